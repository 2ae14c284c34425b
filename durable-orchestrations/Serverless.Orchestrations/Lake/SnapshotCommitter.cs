using Microsoft.Extensions.Logging;
using Serverless.Delta.Actions;
using Serverless.Delta.Transactions;

namespace Serverless.Orchestrations.Lake;

/// <summary>
/// Commits finished snapshot chunks to their lake table: one Delta commit adds the files of several chunks together
/// with a <c>txn</c> action (appId <see cref="AppId"/>, version = the table's snapshot commit sequence), so a commit
/// that is replayed (an activity run again after a crash) is a no-op. The first commit of a snapshot that restarts a
/// table whose earlier snapshot never completed removes the earlier attempt's files in the same atomic commit.
/// </summary>
public sealed partial class SnapshotCommitter(LakeTables tables, ILogger logger)
{
    /// <summary>The txn appId of snapshot commits.</summary>
    public const string AppId = "snapshot";

    public async Task<SnapshotCommitResult> CommitAsync(
        string lakeTable, long sequence, IReadOnlyList<SnapshotFile> files, bool replaceExisting, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        var handle = await tables.OpenAsync(lakeTable, cancellationToken).ConfigureAwait(false);
        await handle.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var table = handle.Table;
            var prefix = table.Location.RootPath;
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var tx = table.BeginTransaction("WRITE")
                .WithOperation("WRITE", new Dictionary<string, string> { ["mode"] = replaceExisting ? "Overwrite" : "Append", ["source"] = "snapshot" });
            var removed = 0;
            if (replaceExisting)
            {
                foreach (var stale in table.Snapshot.Files.ToList())
                {
                    tx.Remove(stale);
                    removed++;
                }
            }

            long rows = 0;
            foreach (var file in files)
            {
                if (!file.Path.StartsWith(prefix, StringComparison.Ordinal))
                {
                    throw new ArgumentException($"Snapshot file '{file.Path}' is not inside lake table folder '{prefix}'; chunk files must be written under their table.", nameof(files));
                }

                tx.Add(new AddFile(DeltaPath.Encode(file.Path[prefix.Length..]), new Dictionary<string, string?>(), file.SizeBytes, now, DataChange: true, Stats: file.Stats));
                rows += file.Rows;
            }

            tx.SetAppTransaction(AppId, sequence)
                .SetMetric("numFiles", files.Count)
                .SetMetric("numOutputRows", rows)
                .SetMetric("numOutputBytes", files.Sum(f => f.SizeBytes));
            var result = await table.CommitAsync(tx, cancellationToken).ConfigureAwait(false);
            var skipped = result.Outcome == CommitOutcome.AlreadyCommitted;
            LogCommitted(logger, lakeTable, sequence, skipped ? "already committed" : "committed", result.Version, files.Count, rows);
            return new SnapshotCommitResult(result.Version, skipped, skipped ? 0 : files.Count, skipped ? 0 : removed, rows);
        }
        finally
        {
            handle.Gate.Release();
        }
    }

    /// <summary>The highest snapshot commit sequence the table holds (0 when none).</summary>
    public async Task<long> CommittedSequenceAsync(string lakeTable, CancellationToken cancellationToken)
    {
        var handle = await tables.OpenAsync(lakeTable, cancellationToken).ConfigureAwait(false);
        return handle.Table.Snapshot.GetAppTransactionVersion(AppId) ?? 0;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Snapshot commit {Sequence} of {LakeTable} {Outcome} at version {Version}: {Files} files, {Rows} rows")]
    private static partial void LogCommitted(ILogger logger, string lakeTable, long sequence, string outcome, long version, int files, long rows);
}
