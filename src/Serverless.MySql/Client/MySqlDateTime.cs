using System.Globalization;
using System.Runtime.CompilerServices;
using Serverless.MySql.Protocol;

namespace Serverless.MySql.Client;

/// <summary>
/// A DATE, DATETIME or TIMESTAMP exactly as MySQL stores it, including the zero date '0000-00-00' and dates with
/// zero month or day, which System.DateTime cannot hold. Convert with <see cref="ToDateTime"/> when <see cref="IsValid"/>.
/// </summary>
public readonly record struct MySqlDateTime(int Year, int Month, int Day, int Hour, int Minute, int Second, int Microsecond)
{
    /// <summary>'0000-00-00 00:00:00'.</summary>
    public bool IsZero => Year == 0 && Month == 0 && Day == 0 && Hour == 0 && Minute == 0 && Second == 0 && Microsecond == 0;

    /// <summary>True when this is a real calendar date that System.DateTime can represent.</summary>
    public bool IsValid =>
        Year is >= 1 and <= 9999 && Month is >= 1 and <= 12 && Day >= 1 && Day <= DateTime.DaysInMonth(Year, Month) &&
        Hour is >= 0 and < 24 && Minute is >= 0 and < 60 && Second is >= 0 and < 60 && Microsecond is >= 0 and < 1_000_000;

    public DateTime ToDateTime(DateTimeKind kind = DateTimeKind.Unspecified)
    {
        if (!IsValid)
        {
            throw new InvalidCastException($"MySQL date '{this}' has no System.DateTime equivalent (zero or out-of-range parts); check IsZero/IsValid first.");
        }

        return new DateTime(Year, Month, Day, Hour, Minute, Second, kind).AddTicks(Microsecond * 10L);
    }

    public DateOnly ToDateOnly()
    {
        if (!IsValid)
        {
            throw new InvalidCastException($"MySQL date '{this}' has no System.DateOnly equivalent (zero or out-of-range parts); check IsZero/IsValid first.");
        }

        return new DateOnly(Year, Month, Day);
    }

    /// <summary>Microseconds since 1970-01-01T00:00:00 of this wall-clock time (for Parquet/Delta timestamps).</summary>
    public long ToUnixMicroseconds() => TryGetUnixMicroseconds(out var micros)
        ? micros
        : throw new InvalidCastException($"MySQL date '{this}' has no instant (zero or out-of-range parts); check IsZero/IsValid first.");

    /// <summary>
    /// <see cref="ToUnixMicroseconds"/> for a valid value, false otherwise: one validity check and integer calendar
    /// arithmetic, no DateTime (the row decoder calls this once per temporal field).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryGetUnixMicroseconds(out long micros)
    {
        if (!IsValid)
        {
            micros = 0;
            return false;
        }

        micros = UnixCalendar.Microseconds(Year, Month, Day, Hour, Minute, Second, Microsecond);
        return true;
    }

    public static MySqlDateTime FromDateTime(DateTime value) =>
        new(value.Year, value.Month, value.Day, value.Hour, value.Minute, value.Second, (int)(value.Ticks % TimeSpan.TicksPerSecond / 10));

    public override string ToString()
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{Year:0000}-{Month:00}-{Day:00} {Hour:00}:{Minute:00}:{Second:00}");
        return Microsecond == 0 ? text : string.Create(CultureInfo.InvariantCulture, $"{text}.{Microsecond:000000}");
    }
}
