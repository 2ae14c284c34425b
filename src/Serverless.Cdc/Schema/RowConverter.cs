using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using Serverless.Cdc.Jobs;
using Serverless.MySql.Client;
using Serverless.MySql.Protocol;
using Serverless.Parquet;

namespace Serverless.Cdc.Schema;

/// <summary>
/// Appends the current row of a text-protocol result (columns in <see cref="TableMapping.Columns"/> order, as
/// <see cref="MappedColumn.SelectExpression"/> selects them) to a Parquet batch, straight from the field bytes:
/// no boxing and no per-value allocation.
/// </summary>
public sealed class RowConverter
{
    private const int UnixEpochDayNumber = 719_162;
    private readonly TableMapping mapping;
    private readonly ValueConversion[] conversions;
    private readonly int zeroDateDays;
    private readonly long zeroDateMicros;
    private readonly bool zeroDateIsNull;
    private readonly int[] keyOrdinals;

    public RowConverter(TableMapping mapping, TypeMappingOptions? options = null)
    {
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AppendRow(MySqlRawRow row, ParquetRowBatch batch, ReadOnlySpan<byte> encodedPosition, long timestampMicros)
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

            AppendValue(row[i], i, buffer, in row);
        }

        columns[n].Append(encodedPosition);
        columns[n + 1].Append(timestampMicros);
        if (mapping.SoftDelete)
        {
            columns[n + 2].Append(false);
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
                {
                    var v = TextValueParser.TryParseDateTime(raw, out var date) ? date : throw Invalid(i, raw, "a DATE");
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

                    break;
                }

            case ValueConversion.DateTimeNtz or ValueConversion.TimestampUtc when TextValueParser.TryParseUnixMicroseconds(raw, out var instant):
                buffer.Append(instant);
                break;
            case ValueConversion.DateTimeNtz:
            case ValueConversion.TimestampUtc:
                {
                    var v = TextValueParser.TryParseDateTime(raw, out var dt) ? dt : throw Invalid(i, raw, "a DATETIME/TIMESTAMP");
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

                    break;
                }

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

    private void AppendZeroDateNull(in MySqlRawRow row, int i, ParquetColumnBuffer buffer)
    {
        if (buffer.Column.IsRequired)
        {
            throw NullInNotNullColumn(in row, i, $"the zero date '{Encoding.UTF8.GetString(row[i])}', which types.zeroDate maps to null");
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
                key.Append('\'').Append(Encoding.UTF8.GetString(row[k])).Append('\'');
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

    private InvalidDataException Invalid(int column, ReadOnlySpan<byte> raw, string expected)
    {
        var c = mapping.Columns[column].Source;
        var shown = Encoding.UTF8.GetString(raw[..Math.Min(raw.Length, 64)]);
        return new InvalidDataException(
            $"Table {mapping.Table.QualifiedName}, column '{c.Name}' ({c.ColumnType}): the server sent '{shown}', which is not {expected}. " +
            "Check that the column's definition has not changed since the schema was read (re-run schema migration).");
    }
}
