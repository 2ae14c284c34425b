using Serverless.Delta.Actions;

namespace Serverless.Cli.Delta;

/// <summary>
/// One version of a table as `serverless delta log` shows it. <see cref="Timestamp"/> follows the time-travel rule
/// (inCommitTimestamp, else the commit file's modification time) so that `cat --timestamp` agrees with it;
/// <see cref="CommitInfoTimestamp"/> is the writer's own clock from commitInfo.
/// </summary>
internal sealed record CommitSummary(
    long Version,
    DateTimeOffset Timestamp,
    DateTimeOffset? CommitInfoTimestamp,
    string? Operation,
    IReadOnlyDictionary<string, string> OperationParameters,
    IReadOnlyDictionary<string, string> OperationMetrics,
    string? EngineInfo,
    int FilesAdded,
    int FilesRemoved,
    int DeletionVectorUpdates,
    bool ChangesProtocol,
    bool ChangesMetadata,
    IReadOnlyList<TransactionAction> AppTransactions)
{
    /// <summary>An operation metric as a number, trying each name in turn (engines name the same figure differently).</summary>
    public long? Metric(params string[] names)
    {
        foreach (var name in names)
        {
            if (OperationMetrics.TryGetValue(name, out var text) && long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }
        }

        return null;
    }

    public static CommitSummary FromActions(long version, IReadOnlyList<DeltaAction> actions, DateTimeOffset fileModified)
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

        // A path both removed and added in one commit is the same data file getting a new deletion vector, not a rewrite.
        var dvUpdates = 0;
        foreach (var path in added)
        {
            if (removed.Contains(path))
            {
                dvUpdates++;
            }
        }

        var timestamp = info?.InCommitTimestamp is { } ict ? DateTimeOffset.FromUnixTimeMilliseconds(ict) : fileModified;
        return new CommitSummary(
            version,
            timestamp,
            info?.Timestamp is { } ts ? DateTimeOffset.FromUnixTimeMilliseconds(ts) : null,
            info?.Operation,
            info?.OperationParameters ?? new Dictionary<string, string>(),
            info?.OperationMetrics ?? new Dictionary<string, string>(),
            info?.EngineInfo,
            added.Count - dvUpdates,
            removed.Count - dvUpdates,
            dvUpdates,
            protocol,
            metadata,
            transactions);
    }
}
