using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Serverless.Cdc.Capture;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Schema;
using Serverless.Delta.Merge;
using Serverless.Delta.Schema;
using Serverless.MySql.Binlog;
using Serverless.MySql.Client;
using Serverless.Parquet;

namespace Serverless.Cdc.Writer;

/// <summary>
/// Turns a change event's row image (binlog values, in source column order) into a lake row for
/// <see cref="MergeWriter"/>: the lake table's columns in schema order, each value as the Parquet writer takes it. Every
/// column converts by the same <see cref="ValueConversion"/> the snapshot's <see cref="RowConverter"/> uses, to the same
/// Parquet value: the snapshot reads the server's text, the stream the binlog's binary form, so the text the server
/// would print (ENUM and SET labels, TIME, DECIMAL beyond 38 digits, JSON) is rebuilt here from the binary value.
/// Columns the lake holds but the source no longer has get null; <c>_cdc_position</c> is the change's sort key,
/// <c>_cdc_ts</c> its commit time and <c>_cdc_deleted</c> (soft delete) whether it is a delete.
/// </summary>
public sealed class ChangeRowConverter
{
    private const long MicrosecondsPerDay = 86_400_000_000L;
    private static readonly object True = true;
    private static readonly object False = false;

    private readonly TableMapping mapping;
    private readonly Slot[] slots;
    private readonly int[] keyFieldIndexes;
    private readonly DateOnly? zeroDate;

    public ChangeRowConverter(TableMapping mapping, IReadOnlyList<StructField> lakeFields, TypeMappingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        ArgumentNullException.ThrowIfNull(lakeFields);
        this.mapping = mapping;
        zeroDate = (options ?? new TypeMappingOptions()).ZeroDateValue;
        slots = new Slot[lakeFields.Count];
        for (var i = 0; i < lakeFields.Count; i++)
        {
            var field = lakeFields[i];
            if (string.Equals(field.Name, CdcColumns.Position, StringComparison.OrdinalIgnoreCase))
            {
                slots[i] = new Slot(SlotKind.Position, null, field, null);
            }
            else if (string.Equals(field.Name, CdcColumns.Timestamp, StringComparison.OrdinalIgnoreCase))
            {
                slots[i] = new Slot(SlotKind.Timestamp, null, field, null);
            }
            else if (string.Equals(field.Name, CdcColumns.Deleted, StringComparison.OrdinalIgnoreCase))
            {
                slots[i] = new Slot(SlotKind.Deleted, null, field, null);
            }
            else
            {
                var column = mapping.Columns.FirstOrDefault(c => string.Equals(c.Source.Name, field.Name, StringComparison.OrdinalIgnoreCase));
                slots[i] = column is null
                    ? new Slot(SlotKind.LakeOnly, null, field, null)
                    : new Slot(SlotKind.Source, column, field, Labels(column));
            }
        }

        keyFieldIndexes = mapping.Table.KeyColumns
            .Select(k => Array.FindIndex(slots, s => s.Column is not null && string.Equals(s.Column.Source.Name, k, StringComparison.OrdinalIgnoreCase)))
            .ToArray();
        if (keyFieldIndexes.Any(i => i < 0))
        {
            throw new ArgumentException($"The lake table of {mapping.Table.QualifiedName} lacks a key column ({string.Join(", ", mapping.Table.KeyColumns)}); migrate its schema first.", nameof(lakeFields));
        }
    }

    /// <summary>The lake's key column names, in key order, for <see cref="MergeOptions.KeyColumns"/>.</summary>
    public IReadOnlyList<string> KeyColumns => keyFieldIndexes.Select(i => slots[i].Field.Name).ToArray();

    /// <summary>The lake row of a row change (an insert's or update's after image, a delete's before image).</summary>
    public RowChange Convert(ChangeEvent change, bool softDelete)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Kind == ChangeKind.Ddl)
        {
            throw new ArgumentException($"{change} is a schema change, not a row; it goes to the schema-change handler.", nameof(change));
        }

        var row = new object?[slots.Length];
        var isDelete = change.Kind == ChangeKind.Delete;
        for (var i = 0; i < slots.Length; i++)
        {
            var slot = slots[i];
            row[i] = slot.Kind switch
            {
                SlotKind.Position => new ParquetDecimal((Int128)change.SourcePosition.SortKey, 0),
                SlotKind.Timestamp => change.CommitTime.UtcDateTime,
                SlotKind.Deleted => isDelete ? True : False,
                SlotKind.LakeOnly => null,
                _ => SourceValue(change, slot),
            };
        }

        // A soft delete is an upsert of the last row image, marked deleted.
        return isDelete && !softDelete ? RowChange.Delete(row) : RowChange.Upsert(row);
    }

    /// <summary>
    /// Appends the lake row of a row change to <paramref name="batch"/>, each value straight into its column: the values
    /// <see cref="Convert"/> gives, as the Parquet row API would store them, without an object per value (text in UTF-8
    /// is copied as its bytes). A change that does not convert leaves the batch as it was.
    /// </summary>
    public void Append(ChangeEvent change, bool softDelete, ChangeColumns batch)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(batch);
        if (change.Kind == ChangeKind.Ddl)
        {
            throw new ArgumentException($"{change} is a schema change, not a row; it goes to the schema-change handler.", nameof(change));
        }

        var columns = batch.Columns;
        if (columns.Length != slots.Length)
        {
            throw new ArgumentException($"The batch has {columns.Length} columns; the lake table of {mapping.Table.QualifiedName} as the converter knows it has {slots.Length}.", nameof(batch));
        }

        var isDelete = change.Kind == ChangeKind.Delete;
        try
        {
            for (var i = 0; i < slots.Length; i++)
            {
                var slot = slots[i];
                var column = columns[i];
                switch (slot.Kind)
                {
                    case SlotKind.Position:
                        column.Append(new ParquetDecimal((Int128)change.SourcePosition.SortKey, 0));
                        break;
                    case SlotKind.Timestamp:
                        AppendDateTime(column, change.CommitTime.UtcDateTime);
                        break;
                    case SlotKind.Deleted:
                        column.Append(isDelete);
                        break;
                    case SlotKind.LakeOnly:
                        column.AppendNull();
                        break;
                    default:
                        AppendSource(change, slot, column);
                        break;
                }
            }
        }
        catch
        {
            batch.DiscardPartialRow();
            throw;
        }

        batch.EndRow(isDelete && !softDelete);
    }

    private void AppendSource(ChangeEvent change, Slot slot, ParquetColumnBuffer column)
    {
        var source = slot.Column!;
        var ordinal = source.Source.Ordinal - 1;
        if (ordinal >= change.Row.Count || change.Row[ordinal].IsNull)
        {
            // The error (or null) of the general path.
            column.AppendValue(SourceValue(change, slot));
            return;
        }

        var value = change.Row[ordinal];
        try
        {
            switch (source.Conversion)
            {
                case ValueConversion.Int8:
                    column.Append((int)checked((sbyte)Integer(value)));
                    break;
                case ValueConversion.Int16:
                    column.Append((int)checked((short)Integer(value)));
                    break;
                case ValueConversion.Int32:
                    AppendInt32(column, checked((int)Integer(value)));
                    break;
                case ValueConversion.Int64:
                    AppendInt64(column, Integer(value));
                    break;
                case ValueConversion.Decimal:
                    column.Append(DecimalOf(value));
                    break;
                case ValueConversion.Text when value.Kind == ColumnValueKind.String && IsUtf8Text(slot, column, value):
                    column.Append(value.Bytes.Span);
                    break;
                case ValueConversion.Float:
                    column.Append((float)value.GetDouble());
                    break;
                case ValueConversion.Double:
                    column.Append(value.GetDouble());
                    break;
                case ValueConversion.Date when value.GetDateTime() is { IsValid: true } date:
                    column.Append(ParquetValues.ToUnixDays(date.ToDateOnly()));
                    break;
                case ValueConversion.DateTimeNtz when value.GetDateTime().TryGetUnixMicroseconds(out var micros):
                    AppendDateTime(column, DateTime.SpecifyKind(DateTime.UnixEpoch.AddTicks(micros * 10), DateTimeKind.Unspecified));
                    break;
                case ValueConversion.TimestampUtc when value.Bits != 0:
                    AppendDateTime(column, DateTime.UnixEpoch.AddTicks(value.Bits * 10));
                    break;
                case ValueConversion.TimeMicroseconds:
                    AppendInt64(column, value.Bits);
                    break;
                default:
                    column.AppendValue(ConvertValue(change, slot, value));
                    break;
            }
        }
        catch (Exception e) when (e is InvalidOperationException or OverflowException or ArgumentException or FormatException)
        {
            throw NotConvertible(change, slot, value, e);
        }
    }

    private object? SourceValue(ChangeEvent change, Slot slot)
    {
        var column = slot.Column!;
        var ordinal = column.Source.Ordinal - 1;
        if (ordinal >= change.Row.Count)
        {
            throw new InvalidDataException(
                $"{change} has a row image of {change.Row.Count} columns, but column '{column.Source.Name}' is number {column.Source.Ordinal} in schema version {change.SchemaVersion} of {mapping.Table.QualifiedName}. " +
                "The row follows another schema than the writer's mapping: the schema-change handler must run before rows of the new schema.");
        }

        var value = change.Row[ordinal];
        if (value.IsNull)
        {
            return NullFor(change, slot, "NULL");
        }

        try
        {
            return ConvertValue(change, slot, value);
        }
        catch (Exception e) when (e is InvalidOperationException or OverflowException or ArgumentException or FormatException)
        {
            throw NotConvertible(change, slot, value, e);
        }
    }

    private static InvalidDataException NotConvertible(ChangeEvent change, Slot slot, ChangeValue value, Exception e)
    {
        var column = slot.Column!;
        return new InvalidDataException(
            $"{change}: column '{column.Source.Name}' ({column.Source.ColumnType}) got the binlog value {value}, which does not convert to {column.DeltaType} ({column.Conversion}): {e.Message} " +
            "The column's definition changed since the writer's mapping was made; the schema-change handler must run first.",
            e);
    }

    /// <summary>An int as the row API appends a boxed int: the unscaled value of a decimal column, else the integer.</summary>
    private static void AppendInt32(ParquetColumnBuffer column, int value)
    {
        if (column.Column.IsDecimal)
        {
            column.Append(new ParquetDecimal(value, 0));
        }
        else
        {
            column.Append(value);
        }
    }

    /// <summary>A long as the row API appends a boxed long.</summary>
    private static void AppendInt64(ParquetColumnBuffer column, long value)
    {
        if (column.Column.IsDecimal)
        {
            column.Append(new ParquetDecimal(value, 0));
        }
        else
        {
            column.Append(value);
        }
    }

    /// <summary>A DateTime as the row API appends it: microseconds in a MICROS (or plain INT64) column; other units and DATE through the row API itself.</summary>
    private static void AppendDateTime(ParquetColumnBuffer column, DateTime value)
    {
        if (column.Column.PhysicalType == ParquetPhysicalType.Int64 && column.Column.LogicalType?.Unit is null or ParquetTimeUnit.Micros)
        {
            column.Append(ParquetValues.ToUnixMicros(value));
        }
        else
        {
            column.AppendValue(value);
        }
    }

    /// <summary>
    /// Whether a text value goes to the column as its own bytes: a UTF-8 collation (which the general path decodes as
    /// UTF-8 and the column encodes back) and bytes that are valid UTF-8 (an invalid sequence would become U+FFFD there).
    /// </summary>
    private static bool IsUtf8Text(Slot slot, ParquetColumnBuffer column, ChangeValue value) =>
        column.Column.PhysicalType == ParquetPhysicalType.ByteArray
        && slot.Column!.Source.DataType is not ("inet4" or "inet6" or "uuid")
        && ReferenceEquals(MySqlCharsets.EncodingOf(value.Aux), Encoding.UTF8)
        && System.Text.Unicode.Utf8.IsValid(value.Bytes.Span);

    private object? ConvertValue(ChangeEvent change, Slot slot, ChangeValue value)
    {
        var column = slot.Column!;
        switch (column.Conversion)
        {
            case ValueConversion.Int8:
                return checked((sbyte)Integer(value));
            case ValueConversion.Int16:
                return checked((short)Integer(value));
            case ValueConversion.Int32:
                return checked((int)Integer(value));
            case ValueConversion.Int64:
                return Integer(value);
            case ValueConversion.UInt64Decimal:
                return new ParquetDecimal(value.Kind == ColumnValueKind.UInt64 ? value.GetUInt64() : checked((ulong)value.GetInt64()), 0);
            case ValueConversion.Decimal:
                {
                    return DecimalOf(value);
                }

            case ValueConversion.Text:
                return Text(value, slot);
            case ValueConversion.Binary:
                return Bytes(value, column.Source);
            case ValueConversion.Float:
                return (float)value.GetDouble();
            case ValueConversion.Double:
                return value.GetDouble();
            case ValueConversion.Date:
                {
                    var d = value.GetDateTime();
                    return d.IsValid ? d.ToDateOnly() : ZeroDate(change, slot, d, zeroDate);
                }

            case ValueConversion.DateTimeNtz:
                {
                    var d = value.GetDateTime();
                    return d.TryGetUnixMicroseconds(out var micros)
                        ? DateTime.SpecifyKind(DateTime.UnixEpoch.AddTicks(micros * 10), DateTimeKind.Unspecified)
                        : ZeroDate(change, slot, d, zeroDate?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified));
                }

            case ValueConversion.TimestampUtc:
                return value.Bits != 0
                    ? DateTime.UnixEpoch.AddTicks(value.Bits * 10)
                    : ZeroDate(change, slot, default, zeroDate?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
            case ValueConversion.TimeMicroseconds:
                return value.Bits;
            case ValueConversion.BitBoolean:
                return value.GetUInt64() != 0 ? True : False;
            case ValueConversion.BitLong:
                return unchecked((long)value.GetUInt64());
            case ValueConversion.GeometryWkb:
                return value.Bytes.Length >= 4 ? value.Bytes[4..].ToArray() : throw new FormatException("a GEOMETRY value needs a 4-byte SRID before its WKB");
            default:
                throw new InvalidOperationException($"conversion {column.Conversion} is not implemented for the stream");
        }
    }

    /// <summary>A DECIMAL value as the lake's exact decimal; up to 16 bytes of unscaled value without a BigInteger.</summary>
    internal static ParquetDecimal DecimalOf(ChangeValue value)
    {
        if (value.Kind == ColumnValueKind.Decimal && value.Bytes.Length <= 16)
        {
            // The unscaled value's bytes are little-endian two's complement (BigInteger's form): sign-extend to 128 bits.
            Span<byte> unscaled = stackalloc byte[16];
            var bytes = value.Bytes.Span;
            bytes.CopyTo(unscaled);
            unscaled[bytes.Length..].Fill(bytes.Length > 0 && (sbyte)bytes[^1] < 0 ? (byte)0xFF : (byte)0);
            return new ParquetDecimal(BinaryPrimitives.ReadInt128LittleEndian(unscaled), value.Aux);
        }

        var d = value.GetDecimal();
        return new ParquetDecimal((Int128)d.Unscaled, d.Scale);
    }

    private static long Integer(ChangeValue value) => value.Kind switch
    {
        ColumnValueKind.UInt64 => checked((long)value.GetUInt64()),
        ColumnValueKind.Bit => checked((long)value.GetUInt64()),
        _ => value.GetInt64(),
    };

    /// <summary>The server's text for a value the snapshot reads as text.</summary>
    private static string Text(ChangeValue value, Slot slot)
    {
        var column = slot.Column!.Source;
        switch (value.Kind)
        {
            case ColumnValueKind.String when column.DataType is "inet4" or "inet6" or "uuid":
                return MariaDbTypeText.Format(column.DataType, value.Bytes.Span);
            case ColumnValueKind.String:
                {
                    var bytes = value.Bytes.Span;
                    if (slot.Repeated.TryGet(bytes, out var known))
                    {
                        return known;
                    }

                    var text = Decode(bytes, value.Aux);
                    slot.Repeated.Remember(bytes, text);
                    return text;
                }
            case ColumnValueKind.Json:
                // MySQL's JSON column type carries its binary form; MariaDB's JSON is LONGTEXT and arrives as a String.
                return JsonBinary.ToJsonText(value.Bytes.Span);
            case ColumnValueKind.Enum:
                {
                    var ordinal = value.GetInt64();
                    var labels = slot.Labels ?? throw new FormatException($"an ENUM ordinal for a column whose type '{column.ColumnType}' lists no labels");
                    return ordinal == 0 ? string.Empty : ordinal <= labels.Length ? labels[ordinal - 1] : throw new FormatException($"ENUM ordinal {ordinal} is past the {labels.Length} labels of '{column.ColumnType}'");
                }

            case ColumnValueKind.Set:
                {
                    var bits = value.GetUInt64();
                    var labels = slot.Labels ?? throw new FormatException($"a SET value for a column whose type '{column.ColumnType}' lists no labels");
                    var text = new StringBuilder();
                    for (var i = 0; i < labels.Length && i < 64; i++)
                    {
                        if ((bits & (1UL << i)) != 0)
                        {
                            text.Append(text.Length == 0 ? string.Empty : ",").Append(labels[i]);
                        }
                    }

                    return text.ToString();
                }

            case ColumnValueKind.Time:
                return TimeText(value.Bits, column.DatetimePrecision ?? value.Aux);
            case ColumnValueKind.Decimal:
                return value.GetDecimal().ToString();
            case ColumnValueKind.Binary:
                return column.DataType.ToLowerInvariant() switch
                {
                    "inet4" or "inet6" or "uuid" => MariaDbTypeText.Format(column.DataType, value.Bytes.Span),
                    _ => Encoding.UTF8.GetString(value.Bytes.Span),
                };
            default:
                throw new FormatException($"a {value.Kind} value where the column's text was expected");
        }
    }

    private static string Decode(ReadOnlySpan<byte> bytes, int collation) =>
        MySqlCharsets.EncodingOf(collation) == Encoding.Latin1 ? MySqlLatin1.Decode(bytes) : MySqlCharsets.Decode(bytes, collation);

    /// <summary>TIME as the server prints it: sign, at least two hour digits, minutes, seconds and <paramref name="fsp"/> fraction digits.</summary>
    internal static string TimeText(long micros, int fsp)
    {
        var negative = micros < 0;
        var magnitude = negative ? (ulong)(-(micros + 1)) + 1 : (ulong)micros;
        var fraction = magnitude % 1_000_000;
        var seconds = magnitude / 1_000_000;
        var text = new StringBuilder(20);
        if (negative)
        {
            text.Append('-');
        }

        text.Append((seconds / 3600).ToString("00", CultureInfo.InvariantCulture))
            .Append(':').Append((seconds / 60 % 60).ToString("00", CultureInfo.InvariantCulture))
            .Append(':').Append((seconds % 60).ToString("00", CultureInfo.InvariantCulture));
        if (fsp > 0)
        {
            text.Append('.').Append(fraction.ToString("000000", CultureInfo.InvariantCulture)[..Math.Min(fsp, 6)]);
        }

        return text.ToString();
    }

    /// <summary>
    /// The bytes the snapshot reads for a binary-mapped column: BINARY(n) as n bytes (the snapshot always reads n; a row
    /// image that carries fewer, trailing 0x00 dropped, is padded back; MariaDB 10.11 sends all n), BIT(n) as its
    /// (n + 7) / 8 big-endian bytes.
    /// </summary>
    private static byte[] Bytes(ChangeValue value, SourceColumn column)
    {
        if (value.Kind == ColumnValueKind.Bit)
        {
            var bytes = new byte[((column.NumericPrecision ?? value.Aux) + 7) / 8];
            Span<byte> all = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(all, value.GetUInt64());
            all[(8 - bytes.Length)..].CopyTo(bytes);
            return bytes;
        }

        var raw = value.Bytes.Span;
        if (column.DataType.Equals("binary", StringComparison.OrdinalIgnoreCase) && FixedLength(column.ColumnType) is { } length && raw.Length < length)
        {
            var padded = new byte[length];
            raw.CopyTo(padded);
            return padded;
        }

        return raw.ToArray();
    }

    private static int? FixedLength(string columnType)
    {
        var open = columnType.IndexOf('(', StringComparison.Ordinal);
        var close = columnType.IndexOf(')', StringComparison.Ordinal);
        return open > 0 && close > open && int.TryParse(columnType.AsSpan(open + 1, close - open - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    private object? ZeroDate(ChangeEvent change, Slot slot, MySqlDateTime value, object? configured)
    {
        if (configured is not null)
        {
            return configured;
        }

        return NullFor(change, slot, value.IsZero || value == default ? "a zero date, which types.zeroDate maps to null" : $"the partial date '{value}', which types.zeroDate maps to null");
    }

    private object? NullFor(ChangeEvent change, Slot slot, string what)
    {
        if (slot.Field.Nullable)
        {
            return null;
        }

        var key = string.Join(", ", mapping.Table.KeyColumns.Select((k, i) => k + "=" + (i < change.Key.Count ? change.Key[i].ToString() : "?")));
        throw new NullInNotNullColumnException(
            $"Table {mapping.Table.QualifiedName}, column '{slot.Column!.Source.Name}' ({slot.Column.Source.ColumnType}) is NOT NULL in the lake table, but the binlog holds {what} for the row with key {key} at {change.Position}. " +
            "The source column accepts nulls now (or types.zeroDate changed) since the lake schema was migrated: run schema migration so it relaxes the lake column to nullable.");
    }

    /// <summary>The labels of an ENUM or SET column type (<c>enum('a','b''c')</c>), in definition order; null for other types.</summary>
    internal static string[]? Labels(MappedColumn column)
    {
        var type = column.Source.ColumnType;
        var open = type.IndexOf('(', StringComparison.Ordinal);
        if (open < 0 || !(type.StartsWith("enum", StringComparison.OrdinalIgnoreCase) || type.StartsWith("set", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        var labels = new List<string>();
        var i = open + 1;
        while (i < type.Length && type[i] == '\'')
        {
            var label = new StringBuilder();
            i++;
            while (i < type.Length)
            {
                if (type[i] == '\'' && i + 1 < type.Length && type[i + 1] == '\'')
                {
                    label.Append('\'');
                    i += 2;
                }
                else if (type[i] == '\'')
                {
                    i++;
                    break;
                }
                else
                {
                    label.Append(type[i++]);
                }
            }

            labels.Add(label.ToString());
            if (i < type.Length && type[i] == ',')
            {
                i++;
            }
        }

        return [.. labels];
    }

    private enum SlotKind
    {
        Source,
        LakeOnly,
        Position,
        Timestamp,
        Deleted,
    }

    private sealed record Slot(SlotKind Kind, MappedColumn? Column, StructField Field, string[]? Labels)
    {
        /// <summary>The column's recent strings (text columns only use it).</summary>
        public RepeatedText Repeated { get; } = new();
    }
}
