using Serverless.Delta.Log;

namespace Serverless.Cli.Delta;

/// <summary>Reads the commits of a table (newest <c>limit</c> of them, oldest first) into summaries, a few files at a time.</summary>
internal static class TableHistory
{
    /// <summary>Parallel reads hide per-request latency on Blob storage without flooding it.</summary>
    private const int ReadConcurrency = 8;

    public static async Task<IReadOnlyList<CommitSummary>> ReadAsync(DeltaLog log, IReadOnlyList<LogFile> listing, int? limit, CancellationToken cancellationToken)
    {
        var commits = listing.Where(f => f.Kind == LogFileKind.Commit).OrderBy(f => f.Version).ToList();
        if (limit is { } n && commits.Count > n)
        {
            commits = commits.GetRange(commits.Count - n, n);
        }

        var summaries = new CommitSummary[commits.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, commits.Count),
            new ParallelOptions { MaxDegreeOfParallelism = ReadConcurrency, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var file = commits[i];
                var actions = await log.ReadCommitAsync(file.Version, ct).ConfigureAwait(false);
                summaries[i] = CommitSummary.FromActions(file.Version, actions, file.Info.LastModified);
            }).ConfigureAwait(false);
        return summaries;
    }
}
