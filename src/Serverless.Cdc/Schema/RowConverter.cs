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
    private readonly TableMapping mapping;
    private readonly ValueConversion[] conversions;

    // Binary rows only: how each field is read, and whether an integer field is unsigned.
    private readonly BinaryField[]? binaryFields;
    private readonly bool[] unsignedFields = [];
    private readonly int zeroDateDays;
    private readonly long zeroDateMicros;
    private readonly bool zeroDateIsNull;
    private readonly int[] keyOrdinals;

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

            if (binaryFields is null)
            {
                AppendValue(row[i], i, buffer, in row);
            }
            else
            {
                AppendBinaryValue(row[i], i, buffer, in row);
            }
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AppendValue(ReadOnlySpan<byte> raw, int i, ParquetColumnBuffer buffer, in MySqlRawRow row)
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
                AppendDate(TextValueParser.TryParseDateTime(raw, out var date) ? date : throw Invalid(i, raw, "a DATE"), i, buffer, in row);
                break;

            case ValueConversion.DateTimeNtz or ValueConversion.TimestampUtc when TextValueParser.TryParseUnixMicroseconds(raw, out var instant):
                buffer.Append(instant);
                break;
            case ValueConversion.DateTimeNtz:
            case ValueConversion.TimestampUtc:
                AppendDateTime(TextValueParser.TryParseDateTime(raw, out var dt) ? dt : throw Invalid(i, raw, "a DATETIME/TIMESTAMP"), i, buffer, in row);
                break;

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
    }

    /// <summary>
    /// One binary-protocol field: integers and floating point numbers from their little-endian bytes, temporals from
    /// their packed parts, the rest as text. Zero and impossible dates, ranges and errors are handled as for text.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AppendBinaryValue(ReadOnlySpan<byte> raw, int i, ParquetColumnBuffer buffer, in MySqlRawRow row)
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
                AppendDate(BinaryValueParser.TryReadDateTime(raw, out var date) ? date : throw InvalidBinary(i, raw, "a DATE"), i, buffer, in row);
                break;

            case BinaryField.DateTime:
                AppendDateTime(BinaryValueParser.TryReadDateTime(raw, out var dt) ? dt : throw InvalidBinary(i, raw, "a DATETIME/TIMESTAMP"), i, buffer, in row);
                break;

            case BinaryField.TimeMicroseconds:
                buffer.Append(BinaryValueParser.TryReadTime(raw, out var time) ? time.Ticks / 10 : throw InvalidBinary(i, raw, "a TIME"));
                break;
            default:
                AppendValue(raw, i, buffer, in row);
                break;
        }
    }

    /// <summary>A DATE that is not a plain valid 'YYYY-MM-DD': a valid date's day, or a zero or impossible date's null or configured day.</summary>
    private void AppendDate(in MySqlDateTime v, int i, ParquetColumnBuffer buffer, in MySqlRawRow row)
    {
        if (v.IsValid)
        {
            buffer.Append(new DateOnly(v.Year, v.Month, v.Day).DayNumber - UnixEpochDayNumber);
        }
        else if (zeroDateIsNull)
        {
            AppendZeroDateNull(in row, i, buffer);
        }
        else
        {
            buffer.Append(zeroDateDays);
        }
    }

    /// <summary>A DATETIME/TIMESTAMP off the fast path: a valid one's microseconds, or a zero or impossible one's null or configured instant.</summary>
    private void AppendDateTime(in MySqlDateTime v, int i, ParquetColumnBuffer buffer, in MySqlRawRow row)
    {
        if (v.TryGetUnixMicroseconds(out var micros))
        {
            buffer.Append(micros);
        }
        else if (zeroDateIsNull)
        {
            AppendZeroDateNull(in row, i, buffer);
        }
        else
        {
            buffer.Append(zeroDateMicros);
        }
    }

    private void AppendZeroDateNull(in MySqlRawRow row, int i, ParquetColumnBuffer buffer)
    {
        if (buffer.Column.IsRequired)
        {
            throw NullInNotNullColumn(in row, i, $"the zero date '{FieldText(in row, i)}', which types.zeroDate maps to null");
        }

        buffer.AppendNull();
    }

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
