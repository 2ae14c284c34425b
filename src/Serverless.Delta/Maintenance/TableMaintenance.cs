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
    /// Deletes expired log files by PROTOCOL.md's metadata cleanup: the cut-off is midnight UTC of the day
    /// <paramref name="retention"/> before <paramref name="now"/>; the newest commit not newer than it is the cut-off
    /// commit, and the newest complete checkpoint at or before that commit is kept with its own commit and everything
    /// after it. Commits, checkpoints and other versioned log files (checksums, compacted logs) before that checkpoint
    /// are deleted, so every version from the cut-off commit on stays loadable. Without such a checkpoint nothing is
    /// deleted. Commit times are the commit files' modification times, made strictly increasing in version order (as
    /// Delta does), so a clock step backwards cannot expire a newer commit before an older one.
    /// </summary>
    public static async Task<VacuumResult> CleanUpLogAsync(DeltaLog log, TimeSpan retention, DateTimeOffset? now = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (retention < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(retention), "The log retention cannot be negative.");
        }

        var cutoff = ((now ?? DateTimeOffset.UtcNow) - retention).UtcDateTime.Date;
        var cutoffMs = new DateTimeOffset(cutoff, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var files = await log.ListAsync(cancellationToken).ConfigureAwait(false);

        long cutoffCommit = -1;
        var previous = long.MinValue;
        foreach (var f in files)
        {
            if (f.Kind != LogFileKind.Commit)
            {
                continue;
            }

            var ts = Math.Max(f.Info.LastModified.ToUnixTimeMilliseconds(), previous == long.MinValue ? long.MinValue : previous + 1);
            previous = ts;
            if (ts > cutoffMs)
            {
                break;
            }

            cutoffCommit = f.Version;
        }

        var keepFrom = NewestCompleteCheckpoint(files, cutoffCommit);
        var deleted = new List<string>();
        if (keepFrom <= 0)
        {
            return new VacuumResult(deleted, 0, files.Count);
        }

        foreach (var f in files)
        {
            if (f.Version < keepFrom)
            {
                await log.Table.Store.DeleteAsync(f.Info.Path, cancellationToken).ConfigureAwait(false);
                deleted.Add(f.Info.Path);
            }
        }

        return new VacuumResult(deleted, 0, files.Count);
    }

    /// <summary>The newest version at or below <paramref name="atOrBefore"/> with a classic checkpoint or every part of a multi-part one, or -1.</summary>
    private static long NewestCompleteCheckpoint(IReadOnlyList<LogFile> files, long atOrBefore)
    {
        long best = -1;
        var parts = new Dictionary<long, HashSet<int>>();
        foreach (var f in files)
        {
            if (f.Version > atOrBefore || f.Version <= best)
            {
                continue;
            }

            if (f.Kind == LogFileKind.ClassicCheckpoint)
            {
                best = f.Version;
            }
            else if (f.Kind == LogFileKind.MultiPartCheckpoint)
            {
                if (!parts.TryGetValue(f.Version, out var seen))
                {
                    parts[f.Version] = seen = [];
                }

                seen.Add(f.Part);
                if (seen.Count == f.Parts)
                {
                    best = f.Version;
                }
            }
        }

        return best;
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
