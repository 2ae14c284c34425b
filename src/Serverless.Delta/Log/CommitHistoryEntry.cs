using Serverless.Delta.Actions;

namespace Serverless.Delta.Log;

/// <summary>
/// One version of a table's history. <see cref="Timestamp"/> follows the time-travel rule (inCommitTimestamp, else the
/// commit file's modification time) so it agrees with <see cref="DeltaLog.LoadAtTimestampAsync"/>; the writer's own
/// clock, operation, parameters and metrics are in <see cref="CommitInfo"/> (null when the writer recorded none).
/// A path both removed and added in one commit is counted as a deletion-vector update, not as a file added and removed.
/// </summary>
public sealed record CommitHistoryEntry(
    long Version,
    DateTimeOffset Timestamp,
    CommitInfoAction? CommitInfo,
    int FilesAdded,
    int FilesRemoved,
    int DeletionVectorUpdates,
    bool ChangesProtocol,
    bool ChangesMetadata,
    IReadOnlyList<TransactionAction> AppTransactions)
{
    private static readonly IReadOnlyDictionary<string, string> None = new Dictionary<string, string>();

    public string? Operation => CommitInfo?.Operation;

    public IReadOnlyDictionary<string, string> OperationParameters => CommitInfo?.OperationParameters ?? None;

    public IReadOnlyDictionary<string, string> OperationMetrics => CommitInfo?.OperationMetrics ?? None;

    /// <summary>Summarizes the actions of commit <paramref name="version"/>; <paramref name="fileModified"/> is the commit file's modification time.</summary>
    public static CommitHistoryEntry FromActions(long version, IReadOnlyList<DeltaAction> actions, DateTimeOffset fileModified)
    {
        ArgumentNullException.ThrowIfNull(actions);
        CommitInfoAction? info = null;
        var added = new HashSet<string>(StringComparer.Ordinal);
        var removed = new HashSet<string>(StringComparer.Ordinal);
        var transactions = new List<TransactionAction>();
        var protocol = false;
        var metadata = false;
        foreach (var action in actions)
        {
            switch (action)
            {
                case CommitInfoAction c:
                    info = c;
                    break;
                case AddFile a:
                    added.Add(DeltaPath.Decode(a.Path));
                    break;
                case RemoveFile r:
                    removed.Add(DeltaPath.Decode(r.Path));
                    break;
                case TransactionAction t:
                    transactions.Add(t);
                    break;
                case ProtocolAction:
                    protocol = true;
                    break;
                case MetadataAction:
                    metadata = true;
                    break;
            }
        }

        var dvUpdates = 0;
        foreach (var path in added)
        {
            if (removed.Contains(path))
            {
                dvUpdates++;
            }
        }

        var timestamp = info?.InCommitTimestamp is { } ict ? DateTimeOffset.FromUnixTimeMilliseconds(ict) : fileModified;
        return new CommitHistoryEntry(version, timestamp, info, added.Count - dvUpdates, removed.Count - dvUpdates, dvUpdates, protocol, metadata, transactions);
    }
}
