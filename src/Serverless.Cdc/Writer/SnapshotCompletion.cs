using System.Globalization;
using Serverless.Delta;
using DeltaSnapshot = Serverless.Delta.Log.Snapshot;

namespace Serverless.Cdc.Writer;

/// <summary>
/// The mark that a lake table's snapshot is committed, kept in the table itself: a <c>txn</c> action with appId
/// <see cref="AppId"/> whose version is the snapshot's epoch. Writers hold a table's changes until they see it, then apply
/// them from the table's first one under the merge rule, so snapshot chunks (appended without a merge) and the stream never
/// overlap. A txn needs no table feature, survives checkpoints, commits atomically and is idempotent: marking twice is a
/// replay, skipped.
/// <para>
/// A table is complete when the mark's version reaches the epoch the table requires (<see cref="EpochProperty"/>, 1 when
/// absent, so tables written before epochs existed stay complete). A re-snapshot request raises the required epoch by one
/// (<see cref="RequestAsync"/>): the table is no longer complete, its writer holds it, and the commit that publishes the new
/// snapshot marks that epoch.
/// </para>
/// </summary>
public static class SnapshotCompletion
{
    public const string AppId = "serverless.snapshot.complete";

    /// <summary>The table property holding the snapshot epoch the table requires to be complete (absent: 1).</summary>
    public const string EpochProperty = "serverless.snapshot.epoch";

    public static bool IsComplete(DeltaSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return MarkedEpoch(snapshot) >= RequiredEpoch(snapshot);
    }

    /// <summary>The epoch the table must be marked with to be complete.</summary>
    public static long RequiredEpoch(DeltaSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return long.TryParse(snapshot.Metadata.GetConfiguration(EpochProperty), NumberStyles.None, CultureInfo.InvariantCulture, out var epoch) && epoch > 1 ? epoch : 1;
    }

    /// <summary>The epoch the table is marked complete at (0: never).</summary>
    public static long MarkedEpoch(DeltaSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return snapshot.GetAppTransactionVersion(AppId) ?? 0;
    }

    /// <summary>Marks the table live at the epoch it requires; the snapshot's last chunk commit must be in before this is called.</summary>
    public static async Task MarkAsync(DeltaTable table, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        var tx = table.BeginTransaction("SNAPSHOT COMPLETE")
            .WithOperation("SNAPSHOT COMPLETE", new Dictionary<string, string> { ["source"] = "snapshot" })
            .SetAppTransaction(AppId, RequiredEpoch(table.Snapshot));
        await table.CommitAsync(tx, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Requires a new snapshot of a complete table: one metadata commit raising <see cref="EpochProperty"/> past the marked
    /// epoch. A table already waiting for a snapshot is left as it is. Returns the epoch the table now requires.
    /// </summary>
    public static async Task<long> RequestAsync(DeltaTable table, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        var snapshot = await table.RefreshAsync(cancellationToken).ConfigureAwait(false);
        if (!IsComplete(snapshot))
        {
            return RequiredEpoch(snapshot);
        }

        var epoch = MarkedEpoch(snapshot) + 1;
        var configuration = new Dictionary<string, string>(snapshot.Metadata.Configuration, StringComparer.Ordinal)
        {
            [EpochProperty] = epoch.ToString(CultureInfo.InvariantCulture),
        };
        var tx = table.BeginTransaction("SET TBLPROPERTIES")
            .WithOperation("SET TBLPROPERTIES", new Dictionary<string, string> { ["reason"] = reason.Length <= 1000 ? reason : reason[..1000] })
            .UpdateMetadata(snapshot.Metadata with { Configuration = configuration });
        await table.CommitAsync(tx, cancellationToken).ConfigureAwait(false);
        return epoch;
    }
}
