using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Serverless.Cdc.Jobs;
using Serverless.MySql.Client;
using Serverless.MySql.Protocol;
using Serverless.Parquet;

namespace Serverless.Cdc.Schema;

/// <summary>
/// Appends the current row of a result (columns in <see cref="TableMapping.Columns"/> order, as
/// <see cref="MappedColumn.SelectExpression"/> selects them) to a Parquet batch, straight from the field bytes:
/// no boxing and no per-value allocation. A converter made with <see cref="ForBinaryRows"/> reads the rows of a
/// prepared statement (binary protocol) into exactly the values the text form gives.
/// </summary>
public sealed class RowConverter
{
    private const int UnixEpochDayNumber = 719_162;

    // Rows of room AppendBufferedSourceValues reserves at a time in each column.
    private const int ReserveStep = 8192;

    private const int DateCacheBits = 10;
    private readonly TableMapping mapping;
    private readonly ValueConversion[] conversions;

    // Binary rows only: how each field is read, and whether an integer field is unsigned.
    private readonly BinaryField[]? binaryFields;
    private readonly bool[] unsignedFields = [];
    private readonly int zeroDateDays;
    private readonly long zeroDateMicros;
    private readonly bool zeroDateIsNull;
    private readonly int[] keyOrdinals;

    // The one-pass walk of binary rows (AppendSourceValues(reader, ...)): its plan for the columns of the result it
    // was made for, and where the deferred fields of the current row lie. A converter serves one reader at a time.
    private IReadOnlyList<MySqlColumn>? walkColumns;
    private RowWalk[]? walk;
    private int[] walkSizes = [];
    private int[] deferredColumns = [];
    private int[] deferredStarts = [];
    private int[] deferredLengths = [];

    // Valid DATEs the walk converted, by their 4 packed bytes (direct-mapped, 2^DateCacheBits slots): a table's dates
    // repeat, and the lookup costs a fraction of the calendar arithmetic (~7 ns a date). The keys are 64-bit so that the
    // empty slots (ulong.MaxValue) match no field.
    private ulong[] dateKeys = [];
    private int[] dateDays = [];

    public RowConverter(TableMapping mapping, TypeMappingOptions? options = null)
        : this(mapping, options, null, null)
    {
    }

    private RowConverter(TableMapping mapping, TypeMappingOptions? options, BinaryField[]? binaryFields, bool[]? unsignedFields)
    {
        this.binaryFields = binaryFields;
        this.unsignedFields = unsignedFields ?? [];
        ArgumentNullException.ThrowIfNull(mapping);
        this.mapping = mapping;
        conversions = mapping.Columns.Select(c => c.Conversion).ToArray();
        var zero = (options ?? new TypeMappingOptions()).ZeroDateValue;
        zeroDateIsNull = zero is null;
        zeroDateDays = zero is { } d ? d.DayNumber - UnixEpochDayNumber : 0;
        zeroDateMicros = zeroDateDays * 86_400_000_000L;
        keyOrdinals = mapping.Table.KeyColumns
            .Select(k => mapping.Columns.Select(c => c.Source.Name).ToList().FindIndex(n => string.Equals(n, k, StringComparison.OrdinalIgnoreCase)))
            .Where(i => i >= 0)
            .ToArray();
    }

    /// <summary>How a binary-protocol field becomes the column's value.</summary>
    private enum BinaryField : byte
    {
        /// <summary>The same bytes as in the text protocol (DECIMAL, strings, BLOB, BIT, GEOMETRY): the text conversion.</summary>
        AsText,
        Integer32,
        Integer64,
        UInt64Decimal,
        Float,
        Double,
        Date,
        DateTime,
        TimeMicroseconds,
    }

    /// <summary>How the one-pass walk of a binary row takes a field (see <see cref="TryAppendBinaryRow"/>).</summary>
    private enum RowWalk : byte
    {
        /// <summary>Framed by the walk, converted by <see cref="AppendBinaryValue"/> once the whole row is known to be well framed.</summary>
        Deferred,

        /// <summary>A signed 4-byte integer to an INT column (a narrow table's usual key and counters).</summary>
        SignedInt32,
        Integer32,
        Integer64,
        Float,
        Double,
        Date,
        DateTime,
        TimeMicroseconds,
    }

    /// <summary>
    /// A converter for the binary rows of <paramref name="resultColumns"/> (a prepared statement's columns), or null when
    /// a column's wire type cannot give the mapped value the way its text does (TIME mapped to a string, which the
    /// binary protocol sends packed): read that table as a query.
    /// </summary>
    public static RowConverter? ForBinaryRows(TableMapping mapping, IReadOnlyList<MySqlColumn> resultColumns, TypeMappingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        ArgumentNullException.ThrowIfNull(resultColumns);
        if (resultColumns.Count != mapping.Columns.Count)
        {
            return null;
        }

        var fields = new BinaryField[resultColumns.Count];
        for (var i = 0; i < fields.Length; i++)
        {
            var wire = resultColumns[i].Type;
            var integer = BinaryValueParser.IsInteger(wire);
            var real = wire is ColumnType.Float or ColumnType.Double;
            var sentAsText = BinaryValueParser.FieldSize(wire) < 0;
            BinaryField? field = mapping.Columns[i].Conversion switch
            {
                ValueConversion.Int8 or ValueConversion.Int16 or ValueConversion.Int32 when integer => BinaryField.Integer32,
                ValueConversion.Int64 when integer => BinaryField.Integer64,
                ValueConversion.UInt64Decimal when integer => BinaryField.UInt64Decimal,
                ValueConversion.Float when real => BinaryField.Float,
                ValueConversion.Double when real => BinaryField.Double,
                ValueConversion.Date when BinaryValueParser.IsDateTime(wire) => BinaryField.Date,
                ValueConversion.DateTimeNtz or ValueConversion.TimestampUtc when BinaryValueParser.IsDateTime(wire) => BinaryField.DateTime,
                ValueConversion.TimeMicroseconds when BinaryValueParser.IsTime(wire) => BinaryField.TimeMicroseconds,
                ValueConversion.Decimal or ValueConversion.Text or ValueConversion.Binary or ValueConversion.BitBoolean or ValueConversion.BitLong
                    or ValueConversion.GeometryWkb when sentAsText => BinaryField.AsText,
                _ => null,
            };
            if (field is null)
            {
                return null;
            }

            fields[i] = field.Value;
        }

        return new RowConverter(mapping, options, fields, resultColumns.Select(c => c.IsUnsigned).ToArray());
    }

    /// <summary>The Parquet form of a position (decimal(38,0) in 16 big-endian bytes), computed once per chunk.</summary>
    public static byte[] EncodePosition(UInt128 sortKey)
    {
        // decimal(38,0) is a 16-byte FIXED_LEN_BYTE_ARRAY: the unscaled value in big-endian two's complement.
        var bytes = new byte[ParquetColumn.DecimalByteLength(CdcColumns.PositionPrecision)];
        BinaryPrimitives.WriteInt128BigEndian(bytes, (Int128)sortKey);
        return bytes;
    }

    /// <summary>
    /// Appends one row: the source values, then <paramref name="encodedPosition"/> (see <see cref="EncodePosition"/>),
    /// <paramref name="timestampMicros"/> and, with soft delete, false.
    /// </summary>
    public void AppendRow(MySqlResultReader reader, ParquetRowBatch batch, ReadOnlySpan<byte> encodedPosition, long timestampMicros)
    {
        ArgumentNullException.ThrowIfNull(reader);
        AppendRow(reader.CurrentRow, batch, encodedPosition, timestampMicros);
    }

    /// <inheritdoc cref="AppendRow(MySqlResultReader, ParquetRowBatch, ReadOnlySpan{byte}, long)"/>
    public void AppendRow(MySqlRawRow row, ParquetRowBatch batch, ReadOnlySpan<byte> encodedPosition, long timestampMicros)
    {
        AppendSourceValues(row, batch);
        var columns = batch.ColumnBuffers;
        var n = conversions.Length;
        columns[n].Append(encodedPosition);
        columns[n + 1].Append(timestampMicros);
        if (mapping.SoftDelete)
        {
            columns[n + 2].Append(false);
        }
    }

    /// <summary>
    /// Appends the source values of one row only; <see cref="AppendCdcValues"/> then fills the CDC columns of all rows
    /// appended so, once per batch (a snapshot chunk's rows share their position and time).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AppendSourceValues(MySqlRawRow row, ParquetRowBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var n = conversions.Length;
        if (row.FieldCount != n)
        {
            throw new ArgumentException($"The row has {row.FieldCount} fields; table {mapping.Table.QualifiedName} maps {n} columns.", nameof(row));
        }

        var columns = batch.ColumnBuffers;
        for (var i = 0; i < n; i++)
        {
            var buffer = columns[i];
            if (row.IsNull(i))
            {
                if (buffer.Column.IsRequired)
                {
                    throw NullInNotNullColumn(in row, i, "NULL");
                }

                buffer.AppendNull();
                continue;
            }

            if (!(binaryFields is null ? AppendValue(row[i], i, buffer) : AppendBinaryValue(row[i], i, buffer)))
            {
                throw ZeroDateInNotNullColumn(in row, i);
            }
        }
    }

    /// <summary>
    /// Appends the source values of <paramref name="reader"/>'s current row, as <see cref="AppendSourceValues(MySqlRawRow, ParquetRowBatch)"/>
    /// with <see cref="MySqlResultReader.CurrentRow"/> does; a converter for binary rows (<see cref="ForBinaryRows"/>) reads
    /// the row in one pass (see <see cref="AppendBufferedSourceValues"/>).
    /// </summary>
    public void AppendSourceValues(MySqlResultReader reader, ParquetRowBatch batch)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(batch);
        var plan = WalkFor(reader);
        if (plan is null)
        {
            AppendSourceValues(reader.CurrentRow, batch);
            return;
        }

        var columns = batch.ColumnBuffers;
        for (var i = 0; i < plan.Length; i++)
        {
            columns[i].Reserve(1);
        }

        AppendWalkedRow(reader, batch, plan, columns[0].Count);
    }

    /// <summary>
    /// Appends the source values of the rows <paramref name="reader"/> has already received (<see cref="MySqlResultReader.TryReadBufferedRow"/>,
    /// no I/O) until the batch holds <paramref name="batchRows"/> rows; returns how many it appended. The hot loop of a
    /// snapshot. For binary rows it reads each row in one pass over the packet: every fixed-width field (integers,
    /// FLOAT/DOUBLE, temporals) from its offset straight into its column, with room for the batch reserved once; strings,
    /// DECIMAL, BIT and the like are framed in the same pass and converted by the per-field code after it. Any row the
    /// pass does not take as it is (a NULL for a NOT NULL column, a value out of range, a zero date, a malformed packet)
    /// is undone and converted again field by field through <see cref="MySqlResultReader.CurrentRow"/>, which gives
    /// exactly the usual values and errors. Set <see cref="MySqlResultReader.DeferBinaryFieldSplit"/> so the reader does
    /// not split the rows itself as well.
    /// </summary>
    /// <remarks>
    /// The walk lives here, not in the MySQL client, so that the client knows nothing of Parquet: the reader hands over
    /// the raw payload (<see cref="MySqlResultReader.CurrentBinaryRow"/>) and keeps its own check of the framing for the
    /// fallback (<see cref="MySqlResultReader.CurrentRow"/>).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long AppendBufferedSourceValues(MySqlResultReader reader, ParquetRowBatch batch, int batchRows)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(batch);
        var columns = batch.ColumnBuffers;
        var first = columns[0];
        long rows = 0;
        var plan = WalkFor(reader);
        if (plan is null)
        {
            while (first.Count < batchRows && reader.TryReadBufferedRow())
            {
                AppendSourceValues(reader.CurrentRow, batch);
                rows++;
            }

            return rows;
        }

        while (first.Count < batchRows)
        {
            // Room for the rest of the batch, in steps so that a caller's large limit does not allocate ahead.
            var end = first.Count + Math.Min(batchRows - first.Count, ReserveStep);
            for (var i = 0; i < plan.Length; i++)
            {
                columns[i].Reserve(end - first.Count);
            }

            while (first.Count < end)
            {
                if (!reader.TryReadBufferedRow())
                {
                    return rows;
                }

                AppendWalkedRow(reader, batch, plan, first.Count);
                rows++;
            }
        }

        return rows;
    }

    /// <summary>
    /// One binary row by the walk, or, when the walk gives up on it, undone and converted field by field (which throws
    /// the error the row deserves). An exception from a deferred field's conversion is replayed the same way, so the
    /// batch is left as the field-by-field path leaves it. <paramref name="rowIndex"/> is the row's index in every source
    /// column: they are level, since only the converter appends to them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AppendWalkedRow(MySqlResultReader reader, ParquetRowBatch batch, RowWalk[] plan, int rowIndex)
    {
        bool walked;
        try
        {
            walked = TryAppendBinaryRow(reader.CurrentBinaryRow, batch.ColumnBuffers, plan);
        }
        catch (Exception)
        {
            AppendFieldByField(reader, batch, rowIndex);
            throw;
        }

        if (!walked)
        {
            AppendFieldByField(reader, batch, rowIndex);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AppendFieldByField(MySqlResultReader reader, ParquetRowBatch batch, int rowIndex)
    {
        var columns = batch.ColumnBuffers;
        for (var i = 0; i < conversions.Length; i++)
        {
            if (columns[i].Count > rowIndex)
            {
                columns[i].Truncate(rowIndex);
            }
        }

        AppendSourceValues(reader.CurrentRow, batch);
    }

    /// <summary>
    /// The walk's plan for the reader's columns, or null (field by field) for text rows or columns other than those
    /// this converter was made for. Computed once per result: the reader keeps its column list for the whole result.
    /// </summary>
    private RowWalk[]? WalkFor(MySqlResultReader reader)
    {
        var resultColumns = reader.Columns;
        if (ReferenceEquals(resultColumns, walkColumns))
        {
            return walk;
        }

        walkColumns = resultColumns;
        walk = binaryFields is null || !reader.IsBinary ? null : PlanWalk(resultColumns);
        return walk;
    }

    private RowWalk[]? PlanWalk(IReadOnlyList<MySqlColumn> resultColumns)
    {
        var fields = binaryFields!;
        if (resultColumns.Count != fields.Length)
        {
            return null;
        }

        var plan = new RowWalk[fields.Length];
        var sizes = new int[fields.Length];
        var deferred = 0;
        for (var i = 0; i < plan.Length; i++)
        {
            var wire = resultColumns[i];
            var size = BinaryValueParser.FieldSize(wire.Type);
            var integer = BinaryValueParser.IsInteger(wire.Type);
            var real = wire.Type is ColumnType.Float or ColumnType.Double;
            var temporal = BinaryValueParser.IsDateTime(wire.Type);

            // Fields of a result whose types differ from the prepared statement's (the server re-prepared it after a
            // schema change) are converted field by field, as the per-field path would see them.
            if (wire.IsUnsigned != unsignedFields[i] || (fields[i] != BinaryField.AsText && size < 0))
            {
                return null;
            }

            sizes[i] = size;
            plan[i] = fields[i] switch
            {
                BinaryField.Integer32 when integer && size == 4 && !wire.IsUnsigned => RowWalk.SignedInt32,
                BinaryField.Integer32 when integer => RowWalk.Integer32,
                BinaryField.Integer64 when integer => RowWalk.Integer64,
                BinaryField.Float when real => RowWalk.Float,
                BinaryField.Double when real => RowWalk.Double,
                BinaryField.Date when temporal => RowWalk.Date,
                BinaryField.DateTime when temporal => RowWalk.DateTime,
                BinaryField.TimeMicroseconds when BinaryValueParser.IsTime(wire.Type) => RowWalk.TimeMicroseconds,
                _ => RowWalk.Deferred,
            };
            deferred += plan[i] == RowWalk.Deferred ? 1 : 0;
        }

        walkSizes = sizes;
        if (plan.Contains(RowWalk.Date) && dateKeys.Length == 0)
        {
            dateKeys = new ulong[1 << DateCacheBits];
            Array.Fill(dateKeys, ulong.MaxValue);
            dateDays = new int[1 << DateCacheBits];
        }

        deferredColumns = new int[deferred];
        deferredStarts = new int[deferred];
        deferredLengths = new int[deferred];
        return plan;
    }

    /// <summary>
    /// Appends one binary row (0x00, NULL bitmap, fields) in one pass, framing each field exactly as the reader's split
    /// does; false, with part of the row possibly appended, for anything it does not take as is (see
    /// <see cref="AppendBufferedSourceValues"/>). The fixed-width appends need the room reserved by the caller.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryAppendBinaryRow(ReadOnlySpan<byte> span, ReadOnlySpan<ParquetColumnBuffer> columns, RowWalk[] plan)
    {
        if (span.IsEmpty || span[0] != 0x00)
        {
            return false;
        }

        // Only the common fields are taken in this loop (INT, a DATE already in the cache, NULL), so that it stays
        // small enough for its variables to live in registers; the others go through WalkField.
        var n = plan.Length;
        var pos = BinaryRowLayout.FieldsStart(n);
        var deferred = 0;
        for (var i = 0; i < n; i++)
        {
            if ((uint)pos > (uint)span.Length)
            {
                return false;
            }

            var buffer = columns[i];
            if (BinaryRowLayout.IsNull(span, i))
            {
                if (buffer.Column.IsRequired)
                {
                    return false;
                }

                buffer.AppendNull();
                continue;
            }

            var kind = plan[i];
            if (kind == RowWalk.SignedInt32 && pos <= span.Length - 4)
            {
                buffer.AppendReserved(BinaryPrimitives.ReadInt32LittleEndian(span.Slice(pos, 4)));
                pos += 4;
                continue;
            }

            if (kind == RowWalk.Date && pos < span.Length - 4 && span[pos] == 4)
            {
                var packed = BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(pos + 1, 4));
                var slot = DateSlot(packed);
                if (dateKeys[slot] == packed)
                {
                    buffer.AppendReserved(dateDays[slot]);
                    pos += 5;
                    continue;
                }
            }

            pos = WalkField(span, pos, i, kind, buffer, ref deferred);
            if (pos < 0)
            {
                return false;
            }
        }

        if (pos != span.Length)
        {
            return false;
        }

        for (var k = 0; k < deferred; k++)
        {
            var i = deferredColumns[k];
            if (!AppendBinaryValue(span.Slice(deferredStarts[k], deferredLengths[k]), i, columns[i]))
            {
                return false;
            }
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int DateSlot(uint packed) => (int)((packed * 0x9E37_79B1u) >> (32 - DateCacheBits));

    /// <summary>
    /// The walk's field <paramref name="i"/> at <paramref name="pos"/> (not NULL), other than the loop's common cases:
    /// appended, or framed and recorded as deferred; returns where the next field starts, or -1 to give up on the row.
    /// A position past the end (a length that overflows included) is returned as it is: the walk then gives up, as the
    /// reader's split fails there.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private int WalkField(ReadOnlySpan<byte> span, int pos, int i, RowWalk kind, ParquetColumnBuffer buffer, ref int deferred)
    {
        var size = walkSizes[i];
        switch (kind)
        {
            case RowWalk.SignedInt32:
                return -1;

            case RowWalk.Integer32:
                if (pos > span.Length - size
                    || !BinaryValueParser.TryReadInt64(span.Slice(pos, size), unsignedFields[i], out var small)
                    || small is < int.MinValue or > int.MaxValue)
                {
                    return -1;
                }

                buffer.AppendReserved((int)small);
                return pos + size;

            case RowWalk.Integer64:
                if (pos > span.Length - size || !BinaryValueParser.TryReadInt64(span.Slice(pos, size), unsignedFields[i], out var big))
                {
                    return -1;
                }

                buffer.AppendReserved(big);
                return pos + size;

            case RowWalk.Float:
                if (pos > span.Length - size || !BinaryValueParser.TryReadDouble(span.Slice(pos, size), out var f))
                {
                    return -1;
                }

                buffer.Append((float)f);
                return pos + size;

            case RowWalk.Double:
                if (pos > span.Length - size || !BinaryValueParser.TryReadDouble(span.Slice(pos, size), out var d))
                {
                    return -1;
                }

                buffer.Append(d);
                return pos + size;

            default:
                break;
        }

        // Temporals (a length byte) and the deferred fields.
        if (!BinaryRowLayout.TryFrameField(span, pos, size, out var start, out var length))
        {
            return -1;
        }

        var next = start + length;
        if (kind == RowWalk.Deferred)
        {
            // Converted once the whole row is framed: a malformed row must fail as malformed, whatever its values.
            deferredColumns[deferred] = i;
            deferredStarts[deferred] = start;
            deferredLengths[deferred] = length;
            deferred++;
            return next;
        }

        if ((uint)next > (uint)span.Length)
        {
            return -1;
        }

        var field = span.Slice(start, length);
        if (kind == RowWalk.Date && BinaryValueParser.TryReadUnixDays(field, out var days))
        {
            // Valid 4-byte dates go into the cache the walk's loop reads.
            var slot = DateSlot(BinaryPrimitives.ReadUInt32LittleEndian(field));
            dateKeys[slot] = BinaryPrimitives.ReadUInt32LittleEndian(field);
            dateDays[slot] = days;
            buffer.AppendReserved(days);
            return next;
        }

        return TryAppendTemporal(field, kind, buffer) ? next : -1;
    }

    /// <summary>A DATE (other than a valid 4-byte one), DATETIME/TIMESTAMP or TIME field of the walk; false where <see cref="AppendBinaryValue"/> would throw or refuse.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryAppendTemporal(ReadOnlySpan<byte> field, RowWalk kind, ParquetColumnBuffer buffer)
    {
        switch (kind)
        {
            case RowWalk.Date:
                return BinaryValueParser.TryReadDateTime(field, out var date) && TryAppendDate(date, buffer);
            case RowWalk.DateTime when BinaryValueParser.TryReadDateTime(field, out var dt):
                if (dt.TryGetUnixMicroseconds(out var micros))
                {
                    buffer.AppendReserved(micros);
                    return true;
                }

                return TryAppendDateTime(dt, buffer);
            case RowWalk.TimeMicroseconds when BinaryValueParser.TryReadTime(field, out var time):
                buffer.AppendReserved(time.Ticks / 10);
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Brings the CDC columns of <paramref name="batch"/> level with its source columns: the rows appended by
    /// <see cref="AppendSourceValues"/> get <paramref name="encodedPosition"/>, <paramref name="timestampMicros"/> and,
    /// with soft delete, false, each as one repeated value the Parquet writer encodes once.
    /// </summary>
    public void AppendCdcValues(ParquetRowBatch batch, ReadOnlySpan<byte> encodedPosition, long timestampMicros)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var columns = batch.ColumnBuffers;
        var n = conversions.Length;
        var rows = columns[0].Count - columns[n].Count;
        if (rows <= 0)
        {
            return;
        }

        columns[n].AppendRepeated(encodedPosition, rows);
        columns[n + 1].AppendRepeated(timestampMicros, rows);
        if (mapping.SoftDelete)
        {
            columns[n + 2].AppendRepeated(false, rows);
        }
    }

    /// <summary>One text field; false (nothing appended) for a zero date that maps to null in a NOT NULL column.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool AppendValue(ReadOnlySpan<byte> raw, int i, ParquetColumnBuffer buffer)
    {
        switch (conversions[i])
        {
            case ValueConversion.Int8 or ValueConversion.Int16 or ValueConversion.Int32 when TryParseShortInt32(raw, out var short32):
                buffer.Append(short32);
                break;
            case ValueConversion.Int8:
            case ValueConversion.Int16:
            case ValueConversion.Int32:
                buffer.Append(TextValueParser.TryParseInt64(raw, out var small) && small is >= int.MinValue and <= int.MaxValue ? (int)small : throw Invalid(i, raw, "an integer"));
                break;
            case ValueConversion.Int64:
                buffer.Append(TextValueParser.TryParseInt64(raw, out var big) ? big : throw Invalid(i, raw, "a 64-bit integer"));
                break;
            case ValueConversion.UInt64Decimal:
                buffer.Append(TextValueParser.TryParseUInt64(raw, out var u) ? new ParquetDecimal(u, 0) : throw Invalid(i, raw, "an unsigned 64-bit integer"));
                break;
            case ValueConversion.Decimal when TextValueParser.TryParseUnscaledInt64(raw, out var unscaled64, out var scale64):
                buffer.AppendDecimal(unscaled64, scale64);
                break;
            case ValueConversion.Decimal:
                buffer.Append(TextValueParser.TryParseUnscaled(raw, out var unscaled, out var scale) ? new ParquetDecimal(unscaled, scale) : throw Invalid(i, raw, "a DECIMAL of at most 38 digits"));
                break;
            case ValueConversion.Text:
            case ValueConversion.Binary:
                buffer.Append(raw);
                break;
            case ValueConversion.Float:
                buffer.Append(TextValueParser.TryParseDouble(raw, out var f) ? (float)f : throw Invalid(i, raw, "a FLOAT"));
                break;
            case ValueConversion.Double:
                buffer.Append(TextValueParser.TryParseDouble(raw, out var d) ? d : throw Invalid(i, raw, "a DOUBLE"));
                break;
            case ValueConversion.Date when TextValueParser.TryParseUnixDays(raw, out var days):
                buffer.Append(days);
                break;
            case ValueConversion.Date:
                return TryAppendDate(TextValueParser.TryParseDateTime(raw, out var date) ? date : throw Invalid(i, raw, "a DATE"), buffer);

            case ValueConversion.DateTimeNtz or ValueConversion.TimestampUtc when TextValueParser.TryParseUnixMicroseconds(raw, out var instant):
                buffer.Append(instant);
                break;
            case ValueConversion.DateTimeNtz:
            case ValueConversion.TimestampUtc:
                return TryAppendDateTime(TextValueParser.TryParseDateTime(raw, out var dt) ? dt : throw Invalid(i, raw, "a DATETIME/TIMESTAMP"), buffer);

            case ValueConversion.TimeMicroseconds:
                buffer.Append(TextValueParser.TryParseTime(raw, out var time) ? time.Ticks / 10 : throw Invalid(i, raw, "a TIME"));
                break;
            case ValueConversion.BitBoolean:
                buffer.Append(TextValueParser.TryParseBit(raw, out var bit) ? bit != 0 : throw Invalid(i, raw, "a BIT"));
                break;
            case ValueConversion.BitLong:
                buffer.Append(TextValueParser.TryParseBit(raw, out var bits) ? unchecked((long)bits) : throw Invalid(i, raw, "a BIT of at most 64 bits"));
                break;
            case ValueConversion.GeometryWkb:
                if (raw.Length < 4)
                {
                    throw Invalid(i, raw, "a GEOMETRY (4-byte SRID + WKB)");
                }

                buffer.Append(raw[4..]);
                break;
            default:
                throw new InvalidOperationException($"Conversion {conversions[i]} of column '{mapping.Columns[i].Source.Name}' is not implemented.");
        }

        return true;
    }

    /// <summary>
    /// One binary-protocol field: integers and floating point numbers from their little-endian bytes, temporals from
    /// their packed parts, the rest as text. Zero and impossible dates, ranges and errors are handled as for text;
    /// false (nothing appended) for a zero date that maps to null in a NOT NULL column.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool AppendBinaryValue(ReadOnlySpan<byte> raw, int i, ParquetColumnBuffer buffer)
    {
        switch (binaryFields![i])
        {
            case BinaryField.Integer32 when raw.Length == 4 && !unsignedFields[i]:
                buffer.Append(BinaryPrimitives.ReadInt32LittleEndian(raw));
                break;
            case BinaryField.Integer32:
                buffer.Append(BinaryValueParser.TryReadInt64(raw, unsignedFields[i], out var small) && small is >= int.MinValue and <= int.MaxValue ? (int)small : throw InvalidBinary(i, raw, "an integer"));
                break;
            case BinaryField.Integer64:
                buffer.Append(BinaryValueParser.TryReadInt64(raw, unsignedFields[i], out var big) ? big : throw InvalidBinary(i, raw, "a 64-bit integer"));
                break;
            case BinaryField.UInt64Decimal:
                buffer.Append(BinaryValueParser.TryReadUInt64(raw, unsignedFields[i], out var u) ? new ParquetDecimal(u, 0) : throw InvalidBinary(i, raw, "an unsigned 64-bit integer"));
                break;
            case BinaryField.Float:
                buffer.Append(BinaryValueParser.TryReadDouble(raw, out var f) ? (float)f : throw InvalidBinary(i, raw, "a FLOAT"));
                break;
            case BinaryField.Double:
                buffer.Append(BinaryValueParser.TryReadDouble(raw, out var d) ? d : throw InvalidBinary(i, raw, "a DOUBLE"));
                break;
            case BinaryField.Date when BinaryValueParser.TryReadUnixDays(raw, out var days):
                buffer.Append(days);
                break;
            case BinaryField.Date:
                return TryAppendDate(BinaryValueParser.TryReadDateTime(raw, out var date) ? date : throw InvalidBinary(i, raw, "a DATE"), buffer);

            case BinaryField.DateTime:
                return TryAppendDateTime(BinaryValueParser.TryReadDateTime(raw, out var dt) ? dt : throw InvalidBinary(i, raw, "a DATETIME/TIMESTAMP"), buffer);

            case BinaryField.TimeMicroseconds:
                buffer.Append(BinaryValueParser.TryReadTime(raw, out var time) ? time.Ticks / 10 : throw InvalidBinary(i, raw, "a TIME"));
                break;
            default:
                return AppendValue(raw, i, buffer);
        }

        return true;
    }

    /// <summary>
    /// A DATE that is not a plain valid 'YYYY-MM-DD': a valid date's day, or a zero or impossible date's null or
    /// configured day; false (nothing appended) when that null would go to a NOT NULL column (<see cref="ZeroDateInNotNullColumn"/>).
    /// </summary>
    private bool TryAppendDate(in MySqlDateTime v, ParquetColumnBuffer buffer)
    {
        if (v.IsValid)
        {
            buffer.Append(new DateOnly(v.Year, v.Month, v.Day).DayNumber - UnixEpochDayNumber);
        }
        else if (zeroDateIsNull)
        {
            return TryAppendZeroDateNull(buffer);
        }
        else
        {
            buffer.Append(zeroDateDays);
        }

        return true;
    }

    /// <summary>A DATETIME/TIMESTAMP off the fast path: a valid one's microseconds, or a zero or impossible one's null or configured instant (false as for <see cref="TryAppendDate"/>).</summary>
    private bool TryAppendDateTime(in MySqlDateTime v, ParquetColumnBuffer buffer)
    {
        if (v.TryGetUnixMicroseconds(out var micros))
        {
            buffer.Append(micros);
        }
        else if (zeroDateIsNull)
        {
            return TryAppendZeroDateNull(buffer);
        }
        else
        {
            buffer.Append(zeroDateMicros);
        }

        return true;
    }

    private static bool TryAppendZeroDateNull(ParquetColumnBuffer buffer)
    {
        if (buffer.Column.IsRequired)
        {
            return false;
        }

        buffer.AppendNull();
        return true;
    }

    private NullInNotNullColumnException ZeroDateInNotNullColumn(in MySqlRawRow row, int i) =>
        NullInNotNullColumn(in row, i, $"the zero date '{FieldText(in row, i)}', which types.zeroDate maps to null");

    /// <summary>
    /// A null bound for a NOT NULL lake column. The mapping keeps columns that can map to null nullable, so this means
    /// the source changed after the schema was read (a column relaxed to NULL) or the lake table's schema differs.
    /// </summary>
    private NullInNotNullColumnException NullInNotNullColumn(in MySqlRawRow row, int column, string what)
    {
        var c = mapping.Columns[column].Source;
        var key = new StringBuilder();
        foreach (var k in keyOrdinals)
        {
            key.Append(key.Length == 0 ? string.Empty : ", ").Append(mapping.Columns[k].Source.Name).Append('=');
            if (row.IsNull(k))
            {
                key.Append("NULL");
            }
            else if (conversions[k] == ValueConversion.Binary)
            {
                key.Append("0x").Append(Convert.ToHexString(row[k]));
            }
            else
            {
                key.Append('\'').Append(FieldText(in row, k)).Append('\'');
            }
        }

        var rowName = key.Length == 0 ? "a row (the table has no key to name it)" : $"the row with key {key}";
        return new NullInNotNullColumnException(
            $"Table {mapping.Table.QualifiedName}, column '{c.Name}' ({c.ColumnType}) is NOT NULL in the lake table, but the server sent {what} for {rowName}. " +
            "The source column accepts nulls now (or types.zeroDate changed) since the lake schema was migrated: run the job again so schema migration relaxes the lake column to nullable.");
    }

    /// <summary>
    /// An integer of at most 9 digits (so it cannot overflow) with an optional '-', in one pass: a narrow table's
    /// columns are mostly such INTs. Longer text takes the general parser.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryParseShortInt32(ReadOnlySpan<byte> raw, out int value)
    {
        value = 0;
        var start = raw.Length > 0 && raw[0] == '-' ? 1 : 0;
        if (raw.Length - start is < 1 or > 9)
        {
            return false;
        }

        var magnitude = 0;
        for (var i = start; i < raw.Length; i++)
        {
            var digit = (uint)(raw[i] - '0');
            if (digit > 9)
            {
                return false;
            }

            magnitude = (magnitude * 10) + (int)digit;
        }

        value = start == 1 ? -magnitude : magnitude;
        return true;
    }

    /// <summary>A field as the text protocol would show it, for messages: binary integers and temporals rendered, the rest as sent.</summary>
    private string FieldText(in MySqlRawRow row, int column)
    {
        var raw = row[column];
        switch (binaryFields?[column])
        {
            case BinaryField.Integer32 or BinaryField.Integer64 or BinaryField.UInt64Decimal when BinaryValueParser.TryReadUInt64(raw, unsignedFields[column], out var u):
                return u.ToString(CultureInfo.InvariantCulture);
            case BinaryField.Integer32 or BinaryField.Integer64 or BinaryField.UInt64Decimal when BinaryValueParser.TryReadInt64(raw, unsignedFields[column], out var n):
                return n.ToString(CultureInfo.InvariantCulture);
            case BinaryField.Date when BinaryValueParser.TryReadDateTime(raw, out var date):
                return date.ToString()[..10];
            case BinaryField.DateTime when BinaryValueParser.TryReadDateTime(raw, out var dateTime):
                return dateTime.ToString();
            case null or BinaryField.AsText:
                return Encoding.UTF8.GetString(raw);
            default:
                return "0x" + Convert.ToHexString(raw);
        }
    }

    private InvalidDataException InvalidBinary(int column, ReadOnlySpan<byte> raw, string expected)
    {
        var c = mapping.Columns[column].Source;
        return new InvalidDataException(
            $"Table {mapping.Table.QualifiedName}, column '{c.Name}' ({c.ColumnType}): the server sent the binary field 0x{Convert.ToHexString(raw[..Math.Min(raw.Length, 32)])}, which is not {expected}. " +
            "Check that the column's definition has not changed since the schema was read (re-run schema migration).");
    }

    private InvalidDataException Invalid(int column, ReadOnlySpan<byte> raw, string expected)
    {
        var c = mapping.Columns[column].Source;
        var shown = Encoding.UTF8.GetString(raw[..Math.Min(raw.Length, 64)]);
        return new InvalidDataException(
            $"Table {mapping.Table.QualifiedName}, column '{c.Name}' ({c.ColumnType}): the server sent '{shown}', which is not {expected}. " +
            "Check that the column's definition has not changed since the schema was read (re-run schema migration).");
    }
}
