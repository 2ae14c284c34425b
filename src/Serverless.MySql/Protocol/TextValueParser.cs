using System.Buffers.Text;
using System.Globalization;
using System.Runtime.CompilerServices;
using Serverless.MySql.Client;

namespace Serverless.MySql.Protocol;

/// <summary>
/// Parses values of the text protocol (ASCII renderings of numbers and temporals) straight from row bytes,
/// without allocating.
/// </summary>
public static class TextValueParser
{
    private static readonly UInt128 MaxDecimalMantissa = ((UInt128)1 << 96) - 1;
    private static readonly int[] DaysInMonth = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    private static readonly int[] FractionScale = [1, 100_000, 10_000, 1_000, 100, 10, 1];

    public static bool TryParseInt64(ReadOnlySpan<byte> text, out long value) =>
        Utf8Parser.TryParse(text, out value, out var consumed) && consumed == text.Length;

    public static bool TryParseUInt64(ReadOnlySpan<byte> text, out ulong value) =>
        Utf8Parser.TryParse(text, out value, out var consumed) && consumed == text.Length;

    public static bool TryParseDouble(ReadOnlySpan<byte> text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    public static bool TryParseSingle(ReadOnlySpan<byte> text, out float value) =>
        float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>BIT(n) values arrive as (n+7)/8 big-endian bytes.</summary>
    public static bool TryParseBit(ReadOnlySpan<byte> bytes, out ulong value)
    {
        value = 0;
        if (bytes.Length > 8)
        {
            return false;
        }

        foreach (var b in bytes)
        {
            value = (value << 8) | b;
        }

        return true;
    }

    /// <summary>
    /// Parses a DECIMAL's text of at most 18 digits (DECIMAL(p,s) with p &lt;= 18, the common case) into a 64-bit
    /// unscaled value and its scale (the number of digits after the point, as the server sent them). False for more
    /// digits or malformed text; <see cref="TryParseUnscaled"/> handles every DECIMAL.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParseUnscaledInt64(ReadOnlySpan<byte> text, out long unscaled, out int scale)
    {
        unscaled = 0;
        scale = 0;
        var i = SignLength(text, out var negative);

        // 18 digits always fit a long, so no overflow check is needed inside the loop.
        var digits = 0;
        var point = -1;
        long magnitude = 0;
        for (; i < text.Length; i++)
        {
            var d = (uint)(text[i] - '0');
            if (d <= 9)
            {
                magnitude = (magnitude * 10) + d;
                digits++;
            }
            else if (text[i] == '.' && point < 0)
            {
                point = digits;
            }
            else
            {
                return false;
            }
        }

        if (digits == 0 || digits > 18)
        {
            return false;
        }

        scale = point < 0 ? 0 : digits - point;
        unscaled = negative ? -magnitude : magnitude;
        return true;
    }

    /// <summary>
    /// Parses a DECIMAL's text into an unscaled 128-bit integer and scale (value = unscaled × 10^-scale), for up to
    /// 38 significant digits. Trailing fractional zeros are kept when they fit (scale = the column's scale) and dropped
    /// otherwise (scale then smaller than the column's).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParseUnscaled(ReadOnlySpan<byte> text, out Int128 unscaled, out int scale)
    {
        unscaled = 0;
        scale = 0;
        var i = SignLength(text, out var negative);

        if (i == text.Length)
        {
            return false;
        }

        UInt128 magnitude = 0;
        var significant = 0;
        var pendingZeros = 0;
        var seenPoint = false;
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '.' && !seenPoint)
            {
                seenPoint = true;
                continue;
            }

            var d = (uint)(c - '0');
            if (d > 9)
            {
                return false;
            }

            if (seenPoint && d == 0)
            {
                pendingZeros++;
                continue;
            }

            if (!Append(ref magnitude, ref significant, ref scale, pendingZeros, seenPoint))
            {
                return false;
            }

            pendingZeros = 0;
            if (magnitude != 0 || d != 0)
            {
                if (++significant > 38)
                {
                    return false;
                }
            }

            magnitude = (magnitude * 10) + d;
            if (seenPoint)
            {
                scale++;
            }
        }

        if (pendingZeros > 0 && (magnitude == 0 || significant + pendingZeros <= 38))
        {
            Append(ref magnitude, ref significant, ref scale, pendingZeros, seenPoint: true);
        }

        unscaled = negative ? -(Int128)magnitude : (Int128)magnitude;
        return true;
    }

    private static bool Append(ref UInt128 magnitude, ref int significant, ref int scale, int zeros, bool seenPoint)
    {
        for (var z = 0; z < zeros; z++)
        {
            if (magnitude != 0 && ++significant > 38)
            {
                return false;
            }

            magnitude *= 10;
            if (seenPoint)
            {
                scale++;
            }
        }

        return true;
    }

    public static bool TryParseDecimal(ReadOnlySpan<byte> text, out decimal value)
    {
        value = 0;
        if (!TryParseUnscaled(text, out var unscaled, out var scale))
        {
            return false;
        }

        var negative = unscaled < 0;
        var magnitude = (UInt128)(negative ? -unscaled : unscaled);
        while (scale > 0 && (scale > 28 || magnitude > MaxDecimalMantissa) && magnitude % 10 == 0)
        {
            magnitude /= 10;
            scale--;
        }

        if (magnitude == 0)
        {
            return true;
        }

        if (scale > 28 || magnitude > MaxDecimalMantissa)
        {
            return false;
        }

        value = new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), (int)(uint)(magnitude >> 64), negative, (byte)scale);
        return true;
    }

    /// <summary>
    /// The instant of a valid 'YYYY-MM-DD[ HH:MM:SS[.f..ffffff]]' as microseconds since 1970-01-01 (the wall clock read as
    /// UTC), straight from the digits. False for anything else, zero dates and impossible dates included; use
    /// <see cref="TryParseDateTime"/> for those. A snapshot converts two or three of these per row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParseUnixMicroseconds(ReadOnlySpan<byte> text, out long micros)
    {
        micros = 0;
        if (text.Length < 10 || text[4] != '-' || text[7] != '-')
        {
            return false;
        }

        // Each byte minus '0' is 0..9 as an unsigned value only for a real digit; the checks are combined without branches.
        uint y0 = (uint)(text[0] - '0'), y1 = (uint)(text[1] - '0'), y2 = (uint)(text[2] - '0'), y3 = (uint)(text[3] - '0');
        uint mo0 = (uint)(text[5] - '0'), mo1 = (uint)(text[6] - '0'), d0 = (uint)(text[8] - '0'), d1 = (uint)(text[9] - '0');
        var bad = (y0 > 9) | (y1 > 9) | (y2 > 9) | (y3 > 9) | (mo0 > 9) | (mo1 > 9) | (d0 > 9) | (d1 > 9);
        int hour = 0, minute = 0, second = 0, micro = 0;
        if (text.Length > 10)
        {
            if (text.Length < 19 || text[10] != ' ' || text[13] != ':' || text[16] != ':')
            {
                return false;
            }

            uint h0 = (uint)(text[11] - '0'), h1 = (uint)(text[12] - '0'), mi0 = (uint)(text[14] - '0'), mi1 = (uint)(text[15] - '0');
            uint s0 = (uint)(text[17] - '0'), s1 = (uint)(text[18] - '0');
            bad |= (h0 > 9) | (h1 > 9) | (mi0 > 9) | (mi1 > 9) | (s0 > 9) | (s1 > 9);
            hour = (int)((h0 * 10) + h1);
            minute = (int)((mi0 * 10) + mi1);
            second = (int)((s0 * 10) + s1);
            if (text.Length > 19)
            {
                var fraction = text[20..];
                if (text[19] != '.' || fraction.IsEmpty || fraction.Length > 6)
                {
                    return false;
                }

                foreach (var c in fraction)
                {
                    var digit = (uint)(c - '0');
                    bad |= digit > 9;
                    micro = (micro * 10) + (int)digit;
                }

                micro *= FractionScale[fraction.Length];
            }
        }

        var year = (int)((y0 * 1000) + (y1 * 100) + (y2 * 10) + y3);
        var month = (int)((mo0 * 10) + mo1);
        var day = (int)((d0 * 10) + d1);
        if (bad || year < 1 || month is < 1 or > 12 || day < 1 || hour > 23 || minute > 59 || second > 59 ||
            day > (month == 2 && DateTime.IsLeapYear(year) ? 29 : DaysInMonth[month]))
        {
            return false;
        }

        micros = UnixCalendar.Microseconds(year, month, day, hour, minute, second, micro);
        return true;
    }

    /// <summary>
    /// The day of a valid 'YYYY-MM-DD' (DATE text) as days since 1970-01-01, straight from the digits. False for anything
    /// else, zero dates and impossible dates included; use <see cref="TryParseDateTime"/> for those. A narrow table
    /// converts one or two of these per row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParseUnixDays(ReadOnlySpan<byte> text, out int days)
    {
        days = 0;
        if (text.Length != 10 || text[4] != '-' || text[7] != '-')
        {
            return false;
        }

        // Each byte minus '0' is 0..9 as an unsigned value only for a real digit; the checks are combined without branches.
        uint y0 = (uint)(text[0] - '0'), y1 = (uint)(text[1] - '0'), y2 = (uint)(text[2] - '0'), y3 = (uint)(text[3] - '0');
        uint mo0 = (uint)(text[5] - '0'), mo1 = (uint)(text[6] - '0'), d0 = (uint)(text[8] - '0'), d1 = (uint)(text[9] - '0');
        var bad = (y0 > 9) | (y1 > 9) | (y2 > 9) | (y3 > 9) | (mo0 > 9) | (mo1 > 9) | (d0 > 9) | (d1 > 9);
        var year = (int)((y0 * 1000) + (y1 * 100) + (y2 * 10) + y3);
        var month = (int)((mo0 * 10) + mo1);
        var day = (int)((d0 * 10) + d1);
        if (bad || year < 1 || month is < 1 or > 12 || day < 1 ||
            day > (month == 2 && DateTime.IsLeapYear(year) ? 29 : DaysInMonth[month]))
        {
            return false;
        }

        days = UnixCalendar.Days(year, month, day);
        return true;
    }

    /// <summary>Parses 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS[.ffffff]' (zero dates included).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParseDateTime(ReadOnlySpan<byte> text, out MySqlDateTime value)
    {
        value = default;
        if (text.Length < 10 || text[4] != '-' || text[7] != '-')
        {
            return false;
        }

        if (!Digits(text[..4], out var year) || !Digits(text.Slice(5, 2), out var month) || !Digits(text.Slice(8, 2), out var day))
        {
            return false;
        }

        int hour = 0, minute = 0, second = 0, micro = 0;
        if (text.Length > 10)
        {
            if (text.Length < 19 || text[10] != ' ' || text[13] != ':' || text[16] != ':' ||
                !Digits(text.Slice(11, 2), out hour) || !Digits(text.Slice(14, 2), out minute) || !Digits(text.Slice(17, 2), out second))
            {
                return false;
            }

            if (text.Length > 19 && !TryFraction(text[19..], out micro))
            {
                return false;
            }
        }

        value = new MySqlDateTime(year, month, day, hour, minute, second, micro);
        return true;
    }

    /// <summary>Parses TIME: '[-]H...H:MM:SS[.ffffff]', from -838:59:59 to 838:59:59.</summary>
    public static bool TryParseTime(ReadOnlySpan<byte> text, out TimeSpan value)
    {
        value = default;
        var negative = text.Length > 0 && text[0] == '-';
        if (negative)
        {
            text = text[1..];
        }

        var colon = text.IndexOf((byte)':');
        if (colon < 1 || text.Length < colon + 6 || text[colon + 3] != ':' ||
            !Digits(text[..colon], out var hours) || !Digits(text.Slice(colon + 1, 2), out var minutes) || !Digits(text.Slice(colon + 4, 2), out var seconds))
        {
            return false;
        }

        var micro = 0;
        if (text.Length > colon + 6 && !TryFraction(text[(colon + 6)..], out micro))
        {
            return false;
        }

        var ticks = (((((long)hours * 60) + minutes) * 60) + seconds) * TimeSpan.TicksPerSecond + (micro * 10L);
        value = TimeSpan.FromTicks(negative ? -ticks : ticks);
        return true;
    }

    private static bool TryFraction(ReadOnlySpan<byte> text, out int micro)
    {
        micro = 0;
        if (text.Length < 2 || text.Length > 7 || text[0] != '.')
        {
            return false;
        }

        if (!Digits(text[1..], out micro))
        {
            return false;
        }

        for (var pad = text.Length - 1; pad < 6; pad++)
        {
            micro *= 10;
        }

        return true;
    }

    /// <summary>1 when the text starts with '-' or '+' (<paramref name="negative"/> for '-'), else 0.</summary>
    private static int SignLength(ReadOnlySpan<byte> text, out bool negative)
    {
        negative = text.Length > 0 && text[0] == '-';
        return text.Length > 0 && (text[0] == '-' || text[0] == '+') ? 1 : 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Digits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 9)
        {
            return false;
        }

        foreach (var c in text)
        {
            var d = (uint)(c - '0');
            if (d > 9)
            {
                return false;
            }

            value = (value * 10) + (int)d;
        }

        return true;
    }
}
