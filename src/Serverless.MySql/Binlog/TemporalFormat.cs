using System.Globalization;
using Serverless.MySql.Client;

namespace Serverless.MySql.Binlog;

/// <summary>Packs <see cref="MySqlDateTime"/> into one long for <see cref="ColumnValue"/>, and prints temporals as MySQL does.</summary>
internal static class TemporalFormat
{
    public static long Pack(MySqlDateTime v) =>
        ((long)v.Year << 46) | ((long)v.Month << 42) | ((long)v.Day << 37) | ((long)v.Hour << 32) | ((long)v.Minute << 26) | ((long)v.Second << 20) | (long)v.Microsecond;

    public static MySqlDateTime Unpack(long p) => new(
        (int)(p >> 46), (int)((p >> 42) & 0xF), (int)((p >> 37) & 0x1F), (int)((p >> 32) & 0x1F), (int)((p >> 26) & 0x3F), (int)((p >> 20) & 0x3F), (int)(p & 0xFFFFF));

    /// <summary><c>YYYY-MM-DD[ hh:mm:ss[.f...]]</c> with exactly <paramref name="fractionDigits"/> fraction digits.</summary>
    public static string Format(MySqlDateTime v, bool includeTime, int fractionDigits)
    {
        var date = string.Create(CultureInfo.InvariantCulture, $"{v.Year:D4}-{v.Month:D2}-{v.Day:D2}");
        if (!includeTime)
        {
            return date;
        }

        var text = string.Create(CultureInfo.InvariantCulture, $"{date} {v.Hour:D2}:{v.Minute:D2}:{v.Second:D2}");
        return fractionDigits > 0 ? text + "." + v.Microsecond.ToString("D6", CultureInfo.InvariantCulture)[..fractionDigits] : text;
    }
}
