using System.Globalization;

namespace Serverless.Bench;

/// <summary>
/// Sizes of a `cdc` benchmark run: the default run (1M updates in one transaction, 50k inserts and 50k deletes, 30 s of
/// freshness at 5k changes/s after 5 s of warm-up) or <c>--quick</c> (100k updates, 10k inserts and deletes, 5 s of freshness after 2 s) to try the
/// benchmark out; <c>--freshness-seconds N</c> sets the freshness run's length.
/// </summary>
public sealed record CdcBenchOptions
{
    public bool Quick { get; init; }

    public int Updates { get; init; } = 1_000_000;

    public int InsertsAndDeletes { get; init; } = 50_000;

    public double FreshnessSeconds { get; init; } = 30;

    /// <summary>
    /// Seconds the generator runs before the measured freshness window: the writer's first merges build its key index of
    /// the files the hot range lives in (read once per writer process), which a long-running writer has done long before.
    /// </summary>
    public double WarmUpSeconds { get; init; } = 5;

    public double ChangesPerSecond { get; init; } = 5_000;

    /// <summary>
    /// Changes of the freshness run replayed merge-on-read and copy-on-write to compare the bytes they write: copy-on-write
    /// rewrites a 250k-row chunk file per commit, about 3 s a commit on the shared machine, so not the whole run.
    /// </summary>
    public long ReplayChanges { get; init; } = 50_000;

    /// <summary>Runs of the catch-up pipeline and of mariadb-binlog, alternating; the best of each counts.</summary>
    public int Repeats { get; init; } = 2;

    public long CatchUpChanges => Updates + (2L * InsertsAndDeletes);

    public static CdcBenchOptions Quicker => new() { Quick = true, Updates = 100_000, InsertsAndDeletes = 10_000, FreshnessSeconds = 5, WarmUpSeconds = 2, Repeats = 1 };

    /// <summary>Parses the benchmark's arguments; an unknown one is an error that lists the known ones.</summary>
    public static CdcBenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new CdcBenchOptions();
        double? seconds = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    options = Quicker;
                    break;
                case "--freshness-seconds" when i + 1 < args.Count && double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= 1 && s <= 600:
                    seconds = s;
                    i++;
                    break;
                case "--freshness-seconds":
                    throw new ArgumentException("--freshness-seconds needs a number of seconds from 1 to 600, e.g. --freshness-seconds 30.");
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}' for the cdc benchmark; it takes --quick and --freshness-seconds N.");
            }
        }

        return seconds is { } set ? options with { FreshnessSeconds = set } : options;
    }
}
