using Serverless.Delta;
using DeltaSnapshot = Serverless.Delta.Log.Snapshot;
using Serverless.Delta.Transactions;

namespace Serverless.Cdc.Writer;

/// <summary>
/// The mark that a lake table's snapshot is committed, kept in the table itself: a <c>txn</c> action with appId
/// <see cref="AppId"/>. Writers hold a table's changes until they see it, then apply them from the table's first one
/// under the merge rule, so snapshot chunks (appended without a merge) and the stream never overlap. A txn needs no
/// table feature, survives checkpoints, commits atomically and is idempotent: marking twice is a replay, skipped.
/// </summary>
public static class SnapshotCompletion
{
    public const string AppId = "serverless.snapshot.complete";

    public static bool IsComplete(DeltaSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return snapshot.GetAppTransactionVersion(AppId) is >= 1;
    }

    /// <summary>Marks the table live; the snapshot's last chunk commit must be in before this is called.</summary>
    public static async Task MarkAsync(DeltaTable table, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        var tx = table.BeginTransaction("SNAPSHOT COMPLETE")
            .WithOperation("SNAPSHOT COMPLETE", new Dictionary<string, string> { ["source"] = "snapshot" })
            .SetAppTransaction(AppId, 1);
        await table.CommitAsync(tx, cancellationToken).ConfigureAwait(false);
    }
}
