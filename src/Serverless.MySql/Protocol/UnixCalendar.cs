namespace Serverless.MySql.Protocol;

/// <summary>Wall-clock fields to microseconds since 1970-01-01 in the proleptic Gregorian calendar, with integer arithmetic only.</summary>
internal static class UnixCalendar
{
    /// <summary>The fields must already be valid (month 1..12, day within the month, and so on).</summary>
    public static long Microseconds(int year, int month, int day, int hour, int minute, int second, int microsecond)
    {
        // Days from 1970-01-01, counting years from March so the leap day comes last.
        var y = year - (month <= 2 ? 1 : 0);
        var era = y / 400;
        var yearOfEra = y - (era * 400);
        var dayOfYear = ((153 * (month + (month > 2 ? -3 : 9))) + 2) / 5 + day - 1;
        var days = (era * 146_097L) + (yearOfEra * 365) + (yearOfEra / 4) - (yearOfEra / 100) + dayOfYear - 719_468;
        return (((((days * 24) + hour) * 60) + minute) * 60 + second) * 1_000_000L + microsecond;
    }
}
