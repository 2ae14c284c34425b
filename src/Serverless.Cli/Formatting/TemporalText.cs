namespace Serverless.Cli.Formatting;

/// <summary>
/// ISO-8601 text of Delta dates and timestamps from their stored integers (days / microseconds since the Unix epoch),
/// exact to the microsecond and valid for every stored value: years outside 0000..9999 use the expanded form (+10000, -0001).
/// </summary>
internal static class TemporalText
{
    public const long MicrosPerDay = 86_400_000_000L;

    /// <summary>Longest output: sign, 7-digit year, "-MM-DDTHH:MM:SS.ffffffZ".</summary>
    public const int MaxLength = 32;

    /// <summary>yyyy-MM-dd.</summary>
    public static int FormatDate(long daysSinceEpoch, Span<char> destination)
    {
        var (year, month, day) = CivilFromDays(daysSinceEpoch);
        var n = WriteYear(year, destination);
        destination[n++] = '-';
        n += Two(month, destination[n..]);
        destination[n++] = '-';
        n += Two(day, destination[n..]);
        return n;
    }

    /// <summary>yyyy-MM-ddTHH:mm:ss.ffffff, then 'Z' when <paramref name="utc"/> (timestamp) and nothing for timestamp_ntz.</summary>
    public static int FormatTimestamp(long microsSinceEpoch, bool utc, Span<char> destination)
    {
        var days = Math.DivRem(microsSinceEpoch, MicrosPerDay, out var micros);
        if (micros < 0)
        {
            days--;
            micros += MicrosPerDay;
        }

        var n = FormatDate(days, destination);
        destination[n++] = 'T';
        var seconds = micros / 1_000_000;
        n += Two((int)(seconds / 3600), destination[n..]);
        destination[n++] = ':';
        n += Two((int)(seconds / 60 % 60), destination[n..]);
        destination[n++] = ':';
        n += Two((int)(seconds % 60), destination[n..]);
        destination[n++] = '.';
        var fraction = (int)(micros % 1_000_000);
        for (var i = 5; i >= 0; i--)
        {
            destination[n + i] = (char)('0' + (fraction % 10));
            fraction /= 10;
        }

        n += 6;
        if (utc)
        {
            destination[n++] = 'Z';
        }

        return n;
    }

    /// <summary>Microseconds since the epoch of a DateTime (any kind is taken as wall-clock ticks; UTC values stay UTC).</summary>
    public static long ToUnixMicros(DateTime value) => Math.DivRem(value.Ticks - DateTime.UnixEpoch.Ticks, 10, out var rem) - (rem < 0 ? 1 : 0);

    /// <summary>Proleptic Gregorian (year, month, day) of a day count from 1970-01-01 (H. Hinnant's civil_from_days).</summary>
    internal static (long Year, int Month, int Day) CivilFromDays(long days)
    {
        var z = days + 719_468;
        var era = (z >= 0 ? z : z - 146_096) / 146_097;
        var doe = z - (era * 146_097);
        var yoe = (doe - (doe / 1460) + (doe / 36_524) - (doe / 146_096)) / 365;
        var y = yoe + (era * 400);
        var doy = doe - ((365 * yoe) + (yoe / 4) - (yoe / 100));
        var mp = ((5 * doy) + 2) / 153;
        var d = (int)(doy - (((153 * mp) + 2) / 5) + 1);
        var m = (int)(mp < 10 ? mp + 3 : mp - 9);
        return (m <= 2 ? y + 1 : y, m, d);
    }

    private static int WriteYear(long year, Span<char> destination)
    {
        if (year is >= 0 and <= 9999)
        {
            var y = (int)year;
            destination[0] = (char)('0' + (y / 1000));
            destination[1] = (char)('0' + (y / 100 % 10));
            destination[2] = (char)('0' + (y / 10 % 10));
            destination[3] = (char)('0' + (y % 10));
            return 4;
        }

        destination[0] = year < 0 ? '-' : '+';
        var magnitude = Math.Abs(year);
        magnitude.TryFormat(destination[1..], out var written, "D4", System.Globalization.CultureInfo.InvariantCulture);
        return written + 1;
    }

    private static int Two(int value, Span<char> destination)
    {
        destination[0] = (char)('0' + (value / 10));
        destination[1] = (char)('0' + (value % 10));
        return 2;
    }
}
