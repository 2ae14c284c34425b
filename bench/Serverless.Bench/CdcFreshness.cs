namespace Serverless.Bench;

/// <summary>
/// Freshness per change: from its source commit (the generator's clock, by GTID) to the lake commit that made it visible
/// (the first writer commit whose txn version, the last sequence it covers, reaches the change's sequence), and the
/// peer's figure, from source commit to the moment a bare replication client received it.
/// </summary>
public static class CdcFreshness
{
    /// <summary>Source commit time and lag in milliseconds per change of the log; fails naming the change when its GTID or a covering commit is missing.</summary>
    public static List<(DateTime Source, double LagMs)> LakeLags(CdcChangeLogSummary log, IReadOnlyList<(long Version, DateTime VisibleUtc)> commits, IReadOnlyDictionary<string, DateTime> sourceCommits)
    {
        var lags = new List<(DateTime, double)>(log.Changes.Count);
        var c = 0;
        foreach (var (sequence, gtid) in log.Changes)
        {
            while (c < commits.Count && commits[c].Version < sequence)
            {
                c++;
            }

            if (c == commits.Count)
            {
                throw new InvalidOperationException($"No lake commit covers change sequence {sequence}; the last writer commit covers {(commits.Count == 0 ? "none" : commits[^1].Version)}.");
            }

            var source = SourceCommit(sourceCommits, gtid, sequence);
            lags.Add((source, (commits[c].VisibleUtc - source).TotalMilliseconds));
        }

        return lags;
    }

    public static List<(DateTime Source, double LagMs)> ReceiveLags(IReadOnlyList<(string Gtid, DateTime ReceivedUtc)> arrivals, IReadOnlyDictionary<string, DateTime> sourceCommits) =>
        arrivals.Select(a =>
        {
            var source = SourceCommit(sourceCommits, a.Gtid, -1);
            return (source, (a.ReceivedUtc - source).TotalMilliseconds);
        }).ToList();

    /// <summary>The lags of changes committed at or after <paramref name="from"/> (the steady state after a warm-up).</summary>
    public static List<double> Since(IEnumerable<(DateTime Source, double LagMs)> lags, DateTime from) =>
        lags.Where(l => l.Source >= from).Select(l => l.LagMs).ToList();

    public static double Percentile(IReadOnlyList<double> values, double percent)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }

    private static DateTime SourceCommit(IReadOnlyDictionary<string, DateTime> sourceCommits, string? gtid, long sequence) =>
        gtid is not null && sourceCommits.TryGetValue(gtid, out var at)
            ? at
            : throw new InvalidOperationException($"Change {(sequence >= 0 ? "sequence " + sequence : "received")} has GTID '{gtid}', which is not one of the generator's {sourceCommits.Count} transactions; another client wrote to the benchmark table?");
}
