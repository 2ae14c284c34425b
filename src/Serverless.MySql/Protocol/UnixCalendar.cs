using System.Runtime.CompilerServices;

namespace Serverless.MySql.Protocol;

/// <summary>Wall-clock fields to microseconds since 1970-01-01 in the proleptic Gregorian calendar, with integer arithmetic only.</summary>
internal static class UnixCalendar
{
    /// <summary>The fields must already be valid (month 1..12, day within the month, and so on).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Microseconds(int year, int month, int day, int hour, int minute, int second, int microsecond) =>
        (((((Days(year, month, day) * 24L) + hour) * 60) + minute) * 60 + second) * 1_000_000L + microsecond;

    /// <summary>Days from 1970-01-01 of a valid date of years 1..9999.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Days(int year, int month, int day)
    {
        // Years counted from March so the leap day comes last; unsigned, since years here are never below 0, so the
        // divisions by constants compile to multiplications without sign fix-ups.
        var y = (uint)(year - (month <= 2 ? 1 : 0));
        var era = y / 400;
        var yearOfEra = y - (era * 400);
        var dayOfYear = ((153 * (uint)(month + (month > 2 ? -3 : 9))) + 2) / 5 + (uint)day - 1;
        return (int)((era * 146_097) + (yearOfEra * 365) + (yearOfEra / 4) - (yearOfEra / 100) + dayOfYear) - 719_468;
    }
}
