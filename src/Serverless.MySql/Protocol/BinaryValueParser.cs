using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Serverless.MySql.Client;

namespace Serverless.MySql.Protocol;

/// <summary>
/// Reads values of the binary protocol (the rows of COM_STMT_EXECUTE): integers and floating point numbers as
/// little-endian fixed-size fields, temporals as packed fields whose byte count says which parts follow (0 bytes is the
/// zero value). DECIMAL, strings, BIT, BLOB and GEOMETRY arrive as in the text protocol (see <see cref="TextValueParser"/>).
/// </summary>
public static class BinaryValueParser
{
    /// <summary>
    /// A field's byte count in a binary row: a fixed count for integers and floating point; 0 for temporals (a length
    /// byte, then that many bytes); -1 for the rest (a length-encoded string, as in the text protocol).
    /// </summary>
    public static int FieldSize(ColumnType type) => type switch
    {
        ColumnType.Tiny => 1,
        ColumnType.Short or ColumnType.Year => 2,
        ColumnType.Int24 or ColumnType.Long or ColumnType.Float => 4,
        ColumnType.LongLong or ColumnType.Double => 8,
        ColumnType.Date or ColumnType.NewDate or ColumnType.DateTime or ColumnType.DateTime2 or ColumnType.Timestamp or ColumnType.Timestamp2
            or ColumnType.Time or ColumnType.Time2 => 0,
        _ => -1,
    };

    /// <summary>True for the column types whose binary field is a little-endian integer (<see cref="TryReadInt64"/>).</summary>
    public static bool IsInteger(ColumnType type) =>
        type is ColumnType.Tiny or ColumnType.Short or ColumnType.Year or ColumnType.Int24 or ColumnType.Long or ColumnType.LongLong;

    /// <summary>True for DATE, DATETIME and TIMESTAMP (<see cref="TryReadDateTime"/>).</summary>
    public static bool IsDateTime(ColumnType type) =>
        type is ColumnType.Date or ColumnType.NewDate or ColumnType.DateTime or ColumnType.DateTime2 or ColumnType.Timestamp or ColumnType.Timestamp2;

    /// <summary>True for TIME (<see cref="TryReadTime"/>).</summary>
    public static bool IsTime(ColumnType type) => type is ColumnType.Time or ColumnType.Time2;

    /// <summary>An integer field of 1, 2, 4 or 8 bytes, signed or unsigned as the column's flag says; false for an unsigned value above <see cref="long.MaxValue"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryReadInt64(ReadOnlySpan<byte> field, bool unsigned, out long value)
    {
        switch (field.Length)
        {
            case 1:
                value = unsigned ? field[0] : (sbyte)field[0];
                return true;
            case 2:
                value = unsigned ? BinaryPrimitives.ReadUInt16LittleEndian(field) : BinaryPrimitives.ReadInt16LittleEndian(field);
                return true;
            case 4:
                value = unsigned ? BinaryPrimitives.ReadUInt32LittleEndian(field) : BinaryPrimitives.ReadInt32LittleEndian(field);
                return true;
            case 8:
                value = BinaryPrimitives.ReadInt64LittleEndian(field);
                return !unsigned || value >= 0;
            default:
                value = 0;
                return false;
        }
    }

    /// <summary>An integer field of 1, 2, 4 or 8 bytes as unsigned; false for a negative signed value.</summary>
    public static bool TryReadUInt64(ReadOnlySpan<byte> field, bool unsigned, out ulong value)
    {
        if (field.Length == 8 && unsigned)
        {
            value = BinaryPrimitives.ReadUInt64LittleEndian(field);
            return true;
        }

        var ok = TryReadInt64(field, unsigned, out var signed) && signed >= 0;
        value = ok ? (ulong)signed : 0;
        return ok;
    }

    /// <summary>A FLOAT (4 bytes) or DOUBLE (8 bytes) field.</summary>
    public static bool TryReadDouble(ReadOnlySpan<byte> field, out double value)
    {
        switch (field.Length)
        {
            case 4:
                value = BinaryPrimitives.ReadSingleLittleEndian(field);
                return true;
            case 8:
                value = BinaryPrimitives.ReadDoubleLittleEndian(field);
                return true;
            default:
                value = 0;
                return false;
        }
    }

    /// <summary>
    /// A DATE, DATETIME or TIMESTAMP field after its length byte: 0 bytes (the zero date), 4 (year, month, day), 7 (and
    /// hour, minute, second) or 11 (and microseconds). Zero and impossible dates are returned as sent, like the text form.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryReadDateTime(ReadOnlySpan<byte> field, out MySqlDateTime value)
    {
        switch (field.Length)
        {
            case 0:
                value = default;
                return true;
            case 4:
                value = new MySqlDateTime(BinaryPrimitives.ReadUInt16LittleEndian(field), field[2], field[3], 0, 0, 0, 0);
                return true;
            case 7:
                value = new MySqlDateTime(BinaryPrimitives.ReadUInt16LittleEndian(field), field[2], field[3], field[4], field[5], field[6], 0);
                return true;
            case 11:
                value = new MySqlDateTime(
                    BinaryPrimitives.ReadUInt16LittleEndian(field), field[2], field[3], field[4], field[5], field[6],
                    (int)BinaryPrimitives.ReadUInt32LittleEndian(field[7..]));
                return true;
            default:
                value = default;
                return false;
        }
    }

    /// <summary>
    /// The day of a valid DATE field (4 bytes: year, month, day) as days since 1970-01-01. False for anything else, zero
    /// and impossible dates included; use <see cref="TryReadDateTime"/> for those. A narrow table converts one or two of
    /// these per row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryReadUnixDays(ReadOnlySpan<byte> field, out int days)
    {
        if (field.Length != 4)
        {
            days = 0;
            return false;
        }

        int year = BinaryPrimitives.ReadUInt16LittleEndian(field), month = field[2], day = field[3];
        if (year is < 1 or > 9999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            days = 0;
            return false;
        }

        days = UnixCalendar.Days(year, month, day);
        return true;
    }

    /// <summary>
    /// A TIME field after its length byte: 0 bytes (00:00:00), 8 (sign, days, hours, minutes, seconds) or 12 (and
    /// microseconds); from -838:59:59 to 838:59:59.
    /// </summary>
    public static bool TryReadTime(ReadOnlySpan<byte> field, out TimeSpan value)
    {
        if (field.Length == 0)
        {
            value = TimeSpan.Zero;
            return true;
        }

        if (field.Length is not (8 or 12) || field[0] > 1)
        {
            value = default;
            return false;
        }

        var days = BinaryPrimitives.ReadUInt32LittleEndian(field[1..]);
        var micro = field.Length == 12 ? BinaryPrimitives.ReadUInt32LittleEndian(field[8..]) : 0;
        if (days > 100_000 || field[5] > 23 || field[6] > 59 || field[7] > 59 || micro > 999_999)
        {
            value = default;
            return false;
        }

        var ticks = ((((((long)days * 24) + field[5]) * 60 + field[6]) * 60) + field[7]) * TimeSpan.TicksPerSecond + (micro * 10L);
        value = TimeSpan.FromTicks(field[0] == 1 ? -ticks : ticks);
        return true;
    }
}
