using Serverless.Delta.Actions;

namespace Serverless.Delta.Transactions;

/// <summary>
/// Decides whether the commits that won the race invalidate a transaction, from what it read and what it
/// changes (optimistic concurrency as in Delta's WriteSerializable isolation).
/// </summary>
internal static class ConflictChecker
{
    /// <summary>Returns the first conflict with the winning commit, or null when the transaction can simply be rebased.</summary>
    public static CommitConflictException? Check(TransactionFootprint ours, long winningVersion, IReadOnlyList<DeltaAction> winner)
    {
        foreach (var action in winner)
        {
            switch (action)
            {
                case ProtocolAction:
                    return new CommitConflictException(ConflictKind.ProtocolChanged, winningVersion, "the winning commit carries a protocol action.");
                case MetadataAction:
                    return new CommitConflictException(ConflictKind.MetadataChanged, winningVersion, "the winning commit carries a metaData action.");
                case TransactionAction t when ours.AppId is not null && t.AppId == ours.AppId:
                    return new CommitConflictException(ConflictKind.ConcurrentTransaction, winningVersion, $"it committed txn version {t.Version} for application '{t.AppId}' while this transaction commits version {ours.AppVersion}.");
                case RemoveFile r:
                    var path = DeltaPath.Decode(r.Path);
                    if (ours.ChangedPaths.Contains(path))
                    {
                        return new CommitConflictException(ConflictKind.ConcurrentDeleteDelete, winningVersion, $"it removed or re-wrote '{path}', which this transaction also removes or updates.");
                    }

                    if (ours.ReadPaths.Contains(path))
                    {
                        return new CommitConflictException(ConflictKind.ConcurrentDeleteRead, winningVersion, $"it removed or re-wrote '{path}', which this transaction read.");
                    }

                    break;
                case DomainMetadataAction d when ours.WrittenDomains.Contains(d.Domain):
                    return new CommitConflictException(ConflictKind.ConcurrentDomainMetadata, winningVersion, $"it changed domain metadata '{d.Domain}', which this transaction also writes.");
                case AddFile a when a.DataChange && ours.ReadPredicate is not null:
                    // A re-DV of a file we read is caught by its remove; only genuinely new files count as appends.
                    if (!ours.ReadPaths.Contains(DeltaPath.Decode(a.Path)) && ours.ReadPredicate(a))
                    {
                        return new CommitConflictException(ConflictKind.ConcurrentAppend, winningVersion, $"it added '{a.Path}', which matches what this transaction read.");
                    }

                    break;
            }
        }

        return null;
    }
}

/// <summary>What a transaction read and what it changes, for conflict checks.</summary>
internal sealed class TransactionFootprint
{
    public HashSet<string> ReadPaths { get; } = new(StringComparer.Ordinal);

    public HashSet<string> ChangedPaths { get; } = new(StringComparer.Ordinal);

    /// <summary>Which newly added files this transaction would have read (null: a blind append, appends never conflict).</summary>
    public Func<AddFile, bool>? ReadPredicate { get; set; }

    public string? AppId { get; set; }

    /// <summary>Domains this transaction writes; a concurrent change of one of them must be merged by a redo, not overwritten.</summary>
    public HashSet<string> WrittenDomains { get; } = new(StringComparer.Ordinal);

    public long AppVersion { get; set; }
}
