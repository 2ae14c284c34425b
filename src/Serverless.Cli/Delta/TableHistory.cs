using Serverless.Delta.Log;

namespace Serverless.Cli.Delta;

/// <summary>Reads the commits of a table (newest <c>limit</c> of them, oldest first) into summaries through the library's history API.</summary>
internal static class TableHistory
{
    public static async Task<IReadOnlyList<CommitSummary>> ReadAsync(DeltaLog log, IReadOnlyList<LogFile> listing, int? limit, CancellationToken cancellationToken)
    {
        var history = await log.GetHistoryAsync(listing, limit, cancellationToken).ConfigureAwait(false);
        var summaries = new CommitSummary[history.Count];
        for (var i = 0; i < history.Count; i++)
        {
            var entry = history[i];
            summaries[i] = new CommitSummary(
                entry.Version,
                entry.Timestamp,
                entry.CommitInfo?.Timestamp is { } ts ? DateTimeOffset.FromUnixTimeMilliseconds(ts) : null,
                entry.Operation,
                entry.OperationParameters,
                entry.OperationMetrics,
                entry.CommitInfo?.EngineInfo,
                entry.FilesAdded,
                entry.FilesRemoved,
                entry.DeletionVectorUpdates,
                entry.ChangesProtocol,
                entry.ChangesMetadata,
                entry.AppTransactions);
        }

        return summaries;
    }
}
