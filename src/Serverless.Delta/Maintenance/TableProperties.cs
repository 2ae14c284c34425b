using System.Globalization;
using Serverless.Delta.Log;

namespace Serverless.Delta.Maintenance;

/// <summary>The table properties (metaData.configuration) that steer maintenance, parsed with errors that name the property.</summary>
public static class TableProperties
{
    public const string CheckpointInterval = "delta.checkpointInterval";
    public const string LogRetentionDuration = "delta.logRetentionDuration";
    public const string EnableExpiredLogCleanup = "delta.enableExpiredLogCleanup";

    /// <summary>Delta's default delta.checkpointInterval.</summary>
    public const int DefaultCheckpointInterval = 10;

    public static int CheckpointIntervalOf(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var text = snapshot.Metadata.GetConfiguration(CheckpointInterval);
        if (text is null)
        {
            return DefaultCheckpointInterval;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new DeltaException($"Table {snapshot.Describe()} sets {CheckpointInterval}='{text}', which is not a positive whole number of versions. Set it to e.g. 10.");
    }

    public static TimeSpan LogRetentionOf(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var text = snapshot.Metadata.GetConfiguration(LogRetentionDuration);
        return text is null ? TableMaintenance.DefaultLogRetention : ParseInterval(text, $"table {snapshot.Describe()} property {LogRetentionDuration}");
    }

    /// <summary>False only when the table sets delta.enableExpiredLogCleanup to false.</summary>
    public static bool ExpiredLogCleanupEnabled(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return !string.Equals(snapshot.Metadata.GetConfiguration(EnableExpiredLogCleanup), "false", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Parses Spark's calendar-interval text as Delta writes durations: an optional "interval", then number-unit pairs
    /// ("interval 30 days", "interval 1 week 12 hours"); units week, day, hour, minute, second, millisecond, microsecond, singular or plural.
    /// </summary>
    public static TimeSpan ParseInterval(string text, string what)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var i = parts.Length > 0 && string.Equals(parts[0], "interval", StringComparison.OrdinalIgnoreCase) ? 1 : 0;
        if (i >= parts.Length || (parts.Length - i) % 2 != 0)
        {
            throw BadInterval(text, what);
        }

        var total = TimeSpan.Zero;
        for (; i < parts.Length; i += 2)
        {
            if (!long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                throw BadInterval(text, what);
            }

            var unit = parts[i + 1].ToLowerInvariant().TrimEnd('s');
            total += unit switch
            {
                "week" => TimeSpan.FromDays(7 * n),
                "day" => TimeSpan.FromDays(n),
                "hour" => TimeSpan.FromHours(n),
                "minute" => TimeSpan.FromMinutes(n),
                "second" => TimeSpan.FromSeconds(n),
                "millisecond" => TimeSpan.FromMilliseconds(n),
                "microsecond" => TimeSpan.FromMicroseconds(n),
                _ => throw BadInterval(text, what),
            };
        }

        return total;
    }

    private static DeltaException BadInterval(string text, string what) =>
        new($"The duration '{text}' of {what} is not an interval Delta understands. Write it as 'interval <number> <unit>', e.g. 'interval 30 days' (units: week, day, hour, minute, second, millisecond, microsecond).");
}
