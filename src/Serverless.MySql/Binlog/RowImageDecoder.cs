using System.Buffers.Binary;
using Serverless.MySql.Binlog.Events;
using Serverless.MySql.Client;
using Serverless.MySql.Protocol;

namespace Serverless.MySql.Binlog;

/// <summary>Decodes one row image (null bitmap over the present columns, then each non-null value in its binlog form).</summary>
internal static class RowImageDecoder
{
    public static int Decode(RowsEvent rowsEvent, ReadOnlyMemory<byte> memory, int offset, byte[] present, ColumnValue[] values)
    {
        var columns = rowsEvent.Table.ColumnArray;
        if (values.Length < columns.Length)
        {
            throw new ArgumentException($"The value buffer holds {values.Length} columns; {rowsEvent.Table} needs {columns.Length}.", nameof(values));
        }

        var span = memory.Span;
        var presentCount = 0;
        for (var i = 0; i < columns.Length; i++)
        {
            if ((present[i >> 3] & (1 << (i & 7))) != 0)
            {
                presentCount++;
            }
        }

        var nullBitmapLength = (presentCount + 7) / 8;
        if (span.Length - offset < nullBitmapLength)
        {
            throw Truncated(rowsEvent, offset, "the null bitmap");
        }

        var nullBitmap = span.Slice(offset, nullBitmapLength);
        offset += nullBitmapLength;
        var presentIndex = 0;
        for (var i = 0; i < columns.Length; i++)
        {
            if ((present[i >> 3] & (1 << (i & 7))) == 0)
            {
                values[i] = ColumnValue.Null;
                continue;
            }

            var isNull = (nullBitmap[presentIndex >> 3] & (1 << (presentIndex & 7))) != 0;
            presentIndex++;
            if (isNull)
            {
                values[i] = ColumnValue.Null;
                continue;
            }

            try
            {
                offset = DecodeValue(columns[i], memory, span, offset, out values[i]);
            }
            catch (ArgumentOutOfRangeException)
            {
                throw Truncated(rowsEvent, offset, $"column {columns[i]}");
            }
        }

        return offset;
    }

    private static BinlogFormatException Truncated(RowsEvent e, int offset, string what) =>
        new($"{e.EventType} event at offset {e.Header.EventOffset} for {e.Table.DatabaseName}.{e.Table.TableName} ends inside {what} (row byte {offset}).");

    private static int DecodeValue(BinlogColumn column, ReadOnlyMemory<byte> memory, ReadOnlySpan<byte> span, int offset, out ColumnValue value)
    {
        var data = span[offset..];
        switch (column.Type)
        {
            case ColumnType.Tiny:
                value = column.IsUnsigned ? ColumnValue.FromUInt64(data[0]) : ColumnValue.FromInt64((sbyte)data[0]);
                return offset + 1;
            case ColumnType.Short:
                value = column.IsUnsigned ? ColumnValue.FromUInt64(BinaryPrimitives.ReadUInt16LittleEndian(data)) : ColumnValue.FromInt64(BinaryPrimitives.ReadInt16LittleEndian(data));
                return offset + 2;
            case ColumnType.Int24:
                {
                    var raw = data[0] | (data[1] << 8) | (data[2] << 16);
                    value = column.IsUnsigned ? ColumnValue.FromUInt64((ulong)raw) : ColumnValue.FromInt64((raw << 8) >> 8);
                    return offset + 3;
                }

            case ColumnType.Long:
                value = column.IsUnsigned ? ColumnValue.FromUInt64(BinaryPrimitives.ReadUInt32LittleEndian(data)) : ColumnValue.FromInt64(BinaryPrimitives.ReadInt32LittleEndian(data));
                return offset + 4;
            case ColumnType.LongLong:
                value = column.IsUnsigned ? ColumnValue.FromUInt64(BinaryPrimitives.ReadUInt64LittleEndian(data)) : ColumnValue.FromInt64(BinaryPrimitives.ReadInt64LittleEndian(data));
                return offset + 8;
            case ColumnType.Float:
                value = ColumnValue.FromSingle(BinaryPrimitives.ReadSingleLittleEndian(data));
                return offset + 4;
            case ColumnType.Double:
                value = ColumnValue.FromDouble(BinaryPrimitives.ReadDoubleLittleEndian(data));
                return offset + 8;
            case ColumnType.NewDecimal:
                {
                    var size = DecimalBinary.BinarySize(column.Precision, column.Scale);
                    _ = data[size - 1];
                    value = ColumnValue.FromDecimal(memory.Slice(offset, size), column.Precision, column.Scale);
                    return offset + size;
                }

            case ColumnType.Year:
                value = ColumnValue.FromYear(data[0] == 0 ? 0 : 1900 + data[0]);
                return offset + 1;
            case ColumnType.Date:
            case ColumnType.NewDate:
                {
                    var raw = data[0] | (data[1] << 8) | (data[2] << 16);
                    value = ColumnValue.FromDate(new MySqlDateTime(raw >> 9, (raw >> 5) & 0xF, raw & 0x1F, 0, 0, 0, 0));
                    return offset + 3;
                }

            case ColumnType.Time:
                {
                    // Legacy TIME: signed HHMMSS as a decimal number in 3 bytes.
                    var raw = ((data[0] | (data[1] << 8) | (data[2] << 16)) << 8) >> 8;
                    var abs = Math.Abs(raw);
                    var seconds = ((abs / 10000) * 3600L) + ((abs / 100 % 100) * 60) + (abs % 100);
                    value = ColumnValue.FromTime((raw < 0 ? -seconds : seconds) * 1_000_000, 0);
                    return offset + 3;
                }

            case ColumnType.Time2:
                return DecodeTime2(column.FractionalSecondsPrecision, data, offset, out value);
            case ColumnType.DateTime:
                {
                    // Legacy DATETIME: YYYYMMDDhhmmss as a decimal number in 8 bytes.
                    var raw = BinaryPrimitives.ReadInt64LittleEndian(data);
                    var date = raw / 1_000_000;
                    var time = raw % 1_000_000;
                    value = ColumnValue.FromDateTime(
                        new MySqlDateTime((int)(date / 10000), (int)(date / 100 % 100), (int)(date % 100), (int)(time / 10000), (int)(time / 100 % 100), (int)(time % 100), 0), 0);
                    return offset + 8;
                }

            case ColumnType.DateTime2:
                {
                    var fsp = column.FractionalSecondsPrecision;
                    var packed = ((long)data[0] << 32 | (long)data[1] << 24 | (long)data[2] << 16 | (long)data[3] << 8 | data[4]) - 0x8000000000L;
                    var micro = ReadFraction(data[5..], fsp);
                    var ymdhms = Math.Abs(packed);
                    var ymd = ymdhms >> 17;
                    var ym = ymd >> 5;
                    var hms = ymdhms % (1 << 17);
                    value = ColumnValue.FromDateTime(
                        new MySqlDateTime((int)(ym / 13), (int)(ym % 13), (int)(ymd % 32), (int)(hms >> 12), (int)((hms >> 6) % 64), (int)(hms % 64), micro), fsp);
                    return offset + 5 + ((fsp + 1) / 2);
                }

            case ColumnType.Timestamp:
                value = ColumnValue.FromTimestamp(BinaryPrimitives.ReadUInt32LittleEndian(data) * 1_000_000L, 0);
                return offset + 4;
            case ColumnType.Timestamp2:
                {
                    var fsp = column.FractionalSecondsPrecision;
                    var seconds = BinaryPrimitives.ReadUInt32BigEndian(data);
                    value = ColumnValue.FromTimestamp((seconds * 1_000_000L) + ReadFraction(data[4..], fsp), fsp);
                    return offset + 4 + ((fsp + 1) / 2);
                }

            case ColumnType.Bit:
                {
                    var length = (column.BitCount + 7) / 8;
                    ulong bits = 0;
                    for (var i = 0; i < length; i++)
                    {
                        bits = (bits << 8) | data[i];
                    }

                    value = ColumnValue.FromBit(bits, column.BitCount);
                    return offset + length;
                }

            case ColumnType.Enum:
                value = ColumnValue.FromEnum(column.Length == 1 ? data[0] : BinaryPrimitives.ReadUInt16LittleEndian(data));
                return offset + column.Length;
            case ColumnType.Set:
                {
                    ulong mask = 0;
                    for (var i = column.Length - 1; i >= 0; i--)
                    {
                        mask = (mask << 8) | data[i];
                    }

                    value = ColumnValue.FromSet(mask);
                    return offset + column.Length;
                }

            case ColumnType.String:
            case ColumnType.VarChar:
            case ColumnType.VarString:
                {
                    int length, prefix;
                    if (column.Length < 256)
                    {
                        length = data[0];
                        prefix = 1;
                    }
                    else
                    {
                        length = BinaryPrimitives.ReadUInt16LittleEndian(data);
                        prefix = 2;
                    }

                    _ = data[(prefix + length - 1)..];
                    var kind = column.Collation == MySqlCharsets.BinaryCollation ? ColumnValueKind.Binary : ColumnValueKind.String;
                    var bytes = memory.Slice(offset + prefix, length);
                    if (kind == ColumnValueKind.Binary && column.Type == ColumnType.String && length < column.Length)
                    {
                        // BINARY(n) is logged without its trailing zero bytes; the column value has them.
                        var padded = new byte[column.Length];
                        bytes.Span.CopyTo(padded);
                        bytes = padded;
                    }

                    value = ColumnValue.FromBytes(kind, bytes, column.Collation);
                    return offset + prefix + length;
                }

            case ColumnType.Blob:
            case ColumnType.TinyBlob:
            case ColumnType.MediumBlob:
            case ColumnType.LongBlob:
            case ColumnType.Geometry:
            case ColumnType.Json:
            case ColumnType.Vector:
                {
                    var prefix = column.Length;
                    long length = prefix switch
                    {
                        1 => data[0],
                        2 => BinaryPrimitives.ReadUInt16LittleEndian(data),
                        3 => data[0] | (data[1] << 8) | (data[2] << 16),
                        4 => BinaryPrimitives.ReadUInt32LittleEndian(data),
                        _ => throw new BinlogFormatException($"Column {column} has a length prefix of {prefix} bytes; BLOB-like columns use 1-4."),
                    };
                    if (length > data.Length - prefix)
                    {
                        throw new ArgumentOutOfRangeException(nameof(span));
                    }

                    var kind = column.Type switch
                    {
                        ColumnType.Json => ColumnValueKind.Json,
                        ColumnType.Geometry => ColumnValueKind.Geometry,
                        ColumnType.Vector => ColumnValueKind.Binary,
                        _ => column.Collation is MySqlCharsets.BinaryCollation or 0 ? ColumnValueKind.Binary : ColumnValueKind.String,
                    };
                    value = ColumnValue.FromBytes(kind, memory.Slice(offset + prefix, (int)length), column.Collation);
                    return offset + prefix + (int)length;
                }

            case ColumnType.Null:
                value = ColumnValue.Null;
                return offset;
            case ColumnType.Decimal:
                throw new UnsupportedBinlogFeatureException(
                    $"Column {column} uses the pre-MySQL-5.0 DECIMAL storage format, which rows events cannot be decoded from. " +
                    "Rebuild the table (ALTER TABLE ... FORCE) so the column uses the current DECIMAL format.");
            case ColumnType.MariaDbVarCharCompressed:
            case ColumnType.MariaDbBlobCompressed:
                throw new UnsupportedBinlogFeatureException(
                    $"Column {column} is a MariaDB COMPRESSED column, whose binlog values are zlib-compressed; remove the COMPRESSED attribute " +
                    "(ALTER TABLE ... MODIFY the column without COMPRESSED) to capture it.");
            default:
                throw new UnsupportedBinlogFeatureException($"Column {column} has binlog type {(int)column.Type}, which this reader does not decode.");
        }
    }

    private static int DecodeTime2(int fsp, ReadOnlySpan<byte> data, int offset, out ColumnValue value)
    {
        // TIME2: 3 big-endian bytes offset by 0x800000 holding sign|hour(10)|minute(6)|second(6), then the fraction;
        // negative values store the fraction complemented, so the integer part borrows one when a fraction is present.
        long integer = ((data[0] << 16) | (data[1] << 8) | data[2]) - 0x800000;
        long fraction;
        switch (fsp)
        {
            case 0:
                fraction = 0;
                break;
            case 1:
            case 2:
                fraction = data[3];
                if (integer < 0 && fraction != 0)
                {
                    integer++;
                    fraction -= 0x100;
                }

                fraction *= 10000;
                break;
            case 3:
            case 4:
                fraction = (data[3] << 8) | data[4];
                if (integer < 0 && fraction != 0)
                {
                    integer++;
                    fraction -= 0x10000;
                }

                fraction *= 100;
                break;
            default:
                {
                    var all = (((long)data[0] << 40) | ((long)data[1] << 32) | ((long)data[2] << 24) | ((long)data[3] << 16) | ((long)data[4] << 8) | data[5]) - 0x800000000000L;
                    integer = all >> 24;
                    fraction = all - (integer << 24);
                    if (integer < 0 && fraction != 0)
                    {
                        integer++;
                        fraction -= 1 << 24;
                    }

                    break;
                }
        }

        var packed = (integer << 24) + fraction;
        var negative = packed < 0;
        packed = Math.Abs(packed);
        var hms = packed >> 24;
        var micro = packed % (1 << 24);
        var seconds = (((hms >> 12) % (1 << 10)) * 3600) + (((hms >> 6) % 64) * 60) + (hms % 64);
        var total = (seconds * 1_000_000) + micro;
        value = ColumnValue.FromTime(negative ? -total : total, fsp);
        return offset + 3 + ((fsp + 1) / 2);
    }

    private static int ReadFraction(ReadOnlySpan<byte> data, int fsp) => fsp switch
    {
        0 => 0,
        1 or 2 => data[0] * 10000,
        3 or 4 => ((data[0] << 8) | data[1]) * 100,
        _ => (data[0] << 16) | (data[1] << 8) | data[2],
    };
}
