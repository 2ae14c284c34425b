using Serverless.Delta.Actions;
using Serverless.Delta.DeletionVectors;
using Serverless.Delta.Log;

namespace Serverless.Delta.Maintenance;

/// <summary>Vacuum (data files) and log cleanup (old commits and checkpoints), both bounded by a retention.</summary>
public static class TableMaintenance
{
    /// <summary>Delta's default delta.deletedFileRetentionDuration.</summary>
    public static TimeSpan DefaultFileRetention { get; } = TimeSpan.FromDays(7);

    /// <summary>Delta's default delta.logRetentionDuration.</summary>
    public static TimeSpan DefaultLogRetention { get; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Deletes data and DV files that no version inside the retention window references and that are older than
    /// the retention. Referenced: every live file and DV of <paramref name="snapshot"/>, and every file removed
    /// less than <paramref name="retention"/> ago (time travel to a version inside the window still needs it).
    /// Files under _delta_log and hidden paths (starting with '_' or '.') are never touched.
    /// </summary>
    public static async Task<VacuumResult> VacuumAsync(Snapshot snapshot, TimeSpan retention, bool dryRun = false, DateTimeOffset? now = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (retention < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(retention), "The retention cannot be negative.");
        }

        var table = snapshot.Table;
        var cutoff = (now ?? DateTimeOffset.UtcNow) - retention;
        var cutoffMs = cutoff.ToUnixTimeMilliseconds();
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var add in snapshot.Files)
        {
            Reference(referenced, table, add.Path, add.DeletionVector);
        }

        foreach (var remove in snapshot.Tombstones)
        {
            // A tombstone without a deletion time cannot prove it is outside the window: keep its file.
            if (remove.DeletionTimestamp is null || remove.DeletionTimestamp >= cutoffMs)
            {
                Reference(referenced, table, remove.Path, remove.DeletionVector);
            }
        }

        var deleted = new List<string>();
        var young = 0;
        var scanned = 0;
        await foreach (var info in table.Store.ListAsync(table.RootPath, cancellationToken).ConfigureAwait(false))
        {
            var relative = info.Path[table.RootPath.Length..];
            if (IsHidden(relative))
            {
                continue;
            }

            scanned++;
            if (referenced.Contains(info.Path))
            {
                continue;
            }

            if (info.LastModified > cutoff)
            {
                young++;
                continue;
            }

            deleted.Add(info.Path);
        }

        if (!dryRun)
        {
            foreach (var path in deleted)
            {
                await table.Store.DeleteAsync(path, cancellationToken).ConfigureAwait(false);
            }
        }

        return new VacuumResult(deleted, young, scanned);
    }

    /// <summary>
    /// Deletes commit files and checkpoints older than <paramref name="retention"/> that lie before the newest
    /// checkpoint old enough to be a starting point, so every version inside the window stays reconstructable.
    /// </summary>
    public static async Task<VacuumResult> CleanUpLogAsync(DeltaLog log, TimeSpan retention, DateTimeOffset? now = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        var cutoff = (now ?? DateTimeOffset.UtcNow) - retention;
        var files = await log.ListAsync(cancellationToken).ConfigureAwait(false);

        // The newest classic checkpoint written before the cutoff: everything older than it is not needed by any version after it.
        long keepFrom = -1;
        foreach (var f in files)
        {
            if (f.Kind == LogFileKind.ClassicCheckpoint && f.Info.LastModified <= cutoff)
            {
                keepFrom = Math.Max(keepFrom, f.Version);
            }
        }

        var deleted = new List<string>();
        if (keepFrom > 0)
        {
            foreach (var f in files)
            {
                var isOldCheckpoint = f.Kind is LogFileKind.ClassicCheckpoint or LogFileKind.MultiPartCheckpoint && f.Version < keepFrom;
                var isOldCommit = f.Kind == LogFileKind.Commit && f.Version < keepFrom;
                if ((isOldCheckpoint || isOldCommit || (f.Kind == LogFileKind.Other && f.Version < keepFrom)) && f.Info.LastModified <= cutoff)
                {
                    await log.Table.Store.DeleteAsync(f.Info.Path, cancellationToken).ConfigureAwait(false);
                    deleted.Add(f.Info.Path);
                }
            }
        }

        return new VacuumResult(deleted, 0, files.Count);
    }

    /// <summary>Writes a checkpoint of <paramref name="snapshot"/> and points _last_checkpoint at it (when it is not older than the current one).</summary>
    public static async Task<LastCheckpoint> CheckpointAsync(DeltaLog log, Snapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(snapshot);
        var format = log.CheckpointFormat ?? throw new DeltaException("This DeltaLog has no checkpoint format.");
        var written = await format.WriteAsync(snapshot, cancellationToken).ConfigureAwait(false);
        var current = await log.ReadLastCheckpointAsync(cancellationToken).ConfigureAwait(false);
        if (current is null || current.Version <= written.Version)
        {
            await log.Table.Store.PutAsync(log.Table.LastCheckpointPath, written.ToJson(), cancellationToken).ConfigureAwait(false);
        }

        return written;
    }

    private static void Reference(HashSet<string> referenced, TableLocation table, string path, DeletionVectorDescriptor? dv)
    {
        referenced.Add(table.ResolveActionPath(path));
        if (dv is not null && dv.StorageType != DeletionVectorDescriptor.Inline)
        {
            referenced.Add(DeletionVectorStore.StorePath(table, dv));
        }
    }

    private static bool IsHidden(string relative)
    {
        foreach (var segment in relative.Split('/'))
        {
            if (segment.Length > 0 && (segment[0] == '_' || segment[0] == '.'))
            {
                return true;
            }
        }

        return false;
    }
}
