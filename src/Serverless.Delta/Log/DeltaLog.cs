using System.Globalization;
using Serverless.Delta.Actions;
using Serverless.Storage;

namespace Serverless.Delta.Log;

/// <summary>
/// The transaction log of one table: lists _delta_log, loads the newest usable checkpoint, replays the JSON
/// commits after it and produces <see cref="Snapshot"/>s (latest, at a version, at a timestamp).
/// </summary>
public sealed class DeltaLog
{
    private readonly ICheckpointFormat? checkpoints;

    public DeltaLog(TableLocation table, ICheckpointFormat? checkpointFormat = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        Table = table;
        checkpoints = checkpointFormat ?? Checkpoints.ParquetCheckpointFormat.Instance;
    }

    public TableLocation Table { get; }

    internal ICheckpointFormat? CheckpointFormat => checkpoints;

    private string Name => Table.Store.Location + "/" + Table.RootPath;

    /// <summary>The files directly inside _delta_log, by version then name.</summary>
    public async Task<IReadOnlyList<LogFile>> ListAsync(CancellationToken cancellationToken = default)
    {
        var result = new List<LogFile>();
        await foreach (var info in Table.Store.ListAsync(Table.LogFolder, cancellationToken).ConfigureAwait(false))
        {
            var name = info.Path[Table.LogFolder.Length..];
            var file = LogFile.TryParse(name, info);
            if (file is not null)
            {
                result.Add(file);
            }
        }

        result.Sort((a, b) => a.Version != b.Version ? a.Version.CompareTo(b.Version) : string.CompareOrdinal(a.Info.Path, b.Info.Path));
        return result;
    }

    /// <summary>
    /// Versions per listing block: commit names are 20-digit zero-padded versions, so the prefix of their first 18
    /// digits covers exactly 100 consecutive versions.
    /// </summary>
    internal const long ListingBlock = 100;

    /// <summary>
    /// The log files from the block of <paramref name="fromVersion"/> on, listed block by block with narrow prefixes:
    /// the next block is listed only while the previous one ended full (its last version exists), so the cost follows
    /// the number of recent commits, not the length of the log.
    /// </summary>
    public async Task<IReadOnlyList<LogFile>> ListFromAsync(long fromVersion, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fromVersion);
        var result = new List<LogFile>();
        var block = fromVersion / ListingBlock;
        while (true)
        {
            var prefix = Table.LogFolder + (block * ListingBlock).ToString("D20", CultureInfo.InvariantCulture)[..18];
            var lastOfBlock = ((block + 1) * ListingBlock) - 1;
            var full = false;
            await foreach (var info in Table.Store.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
            {
                var file = LogFile.TryParse(info.Path[Table.LogFolder.Length..], info);
                if (file is null || file.Version < fromVersion)
                {
                    continue;
                }

                result.Add(file);
                full |= file.Kind == LogFileKind.Commit && file.Version == lastOfBlock;
            }

            if (!full)
            {
                break;
            }

            block++;
        }

        result.Sort((a, b) => a.Version != b.Version ? a.Version.CompareTo(b.Version) : string.CompareOrdinal(a.Info.Path, b.Info.Path));
        return result;
    }

    /// <summary>True when the log holds at least one commit or checkpoint.</summary>
    public async Task<bool> ExistsAsync(CancellationToken cancellationToken = default)
    {
        // Cheap probes first: a checkpoint hint or commit 0 settle it without listing a long log.
        if (await Table.Store.HeadAsync(Table.CommitPath(0), cancellationToken).ConfigureAwait(false) is not null
            || await Table.Store.HeadAsync(Table.LastCheckpointPath, cancellationToken).ConfigureAwait(false) is not null)
        {
            return true;
        }

        foreach (var f in await ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (f.Kind != LogFileKind.Other)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The _last_checkpoint hint, or null when absent or unreadable.</summary>
    public async Task<LastCheckpoint?> ReadLastCheckpointAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return LastCheckpoint.TryParse(await Table.Store.GetAsync(Table.LastCheckpointPath, cancellationToken).ConfigureAwait(false));
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The snapshot at <paramref name="version"/>, or the latest when null.</summary>
    public async Task<Snapshot> LoadAsync(long? version = null, CancellationToken cancellationToken = default)
    {
        var listing = await ListForLoadAsync(version, cancellationToken).ConfigureAwait(false);
        return await LoadFromListingAsync(listing, version, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The part of the log a load needs: from the checkpoint _last_checkpoint names (when that checkpoint is really
    /// there and not past the requested version) onward, else the whole folder (no hint, a stale hint, an older version).
    /// </summary>
    private async Task<IReadOnlyList<LogFile>> ListForLoadAsync(long? version, CancellationToken cancellationToken)
    {
        if (checkpoints is not null && await ReadLastCheckpointAsync(cancellationToken).ConfigureAwait(false) is { } hint
            && hint.Version >= 0 && (version is null || version >= hint.Version))
        {
            if (Table.Store is Serverless.Storage.Local.LocalFolderObjectStore && hint.Parts is null or <= 1
                && await ProbeFromCheckpointAsync(hint.Version, version, cancellationToken).ConfigureAwait(false) is { } probed)
            {
                return probed;
            }

            var listing = await ListFromAsync(hint.Version, cancellationToken).ConfigureAwait(false);
            if (HasCompleteCheckpoint(listing, hint.Version))
            {
                return listing;
            }
        }

        return await ListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The checkpoint and the commits after it, found by name instead of by listing. A local directory read costs
    /// every entry of a long _delta_log, while a file lookup costs one; on blob stores a prefix listing is one request
    /// and probing would be one per commit, so only the local folder takes this path. Null when the checkpoint is not
    /// a single file that exists (the caller lists instead).
    /// </summary>
    private async Task<IReadOnlyList<LogFile>?> ProbeFromCheckpointAsync(long checkpointVersion, long? upTo, CancellationToken cancellationToken)
    {
        var checkpoint = await Table.Store.HeadAsync(Table.CheckpointPath(checkpointVersion), cancellationToken).ConfigureAwait(false);
        if (checkpoint is null || LogFile.TryParse(checkpoint.Path[Table.LogFolder.Length..], checkpoint) is not { } checkpointFile)
        {
            return null;
        }

        var result = new List<LogFile>();
        if (await Table.Store.HeadAsync(Table.CommitPath(checkpointVersion), cancellationToken).ConfigureAwait(false) is { } own
            && LogFile.TryParse(own.Path[Table.LogFolder.Length..], own) is { } ownCommit)
        {
            result.Add(ownCommit);
        }

        result.Add(checkpointFile);
        for (var v = checkpointVersion + 1; upTo is null || v <= upTo; v++)
        {
            var info = await Table.Store.HeadAsync(Table.CommitPath(v), cancellationToken).ConfigureAwait(false);
            if (info is null || LogFile.TryParse(info.Path[Table.LogFolder.Length..], info) is not { } commit)
            {
                break;
            }

            result.Add(commit);
        }

        result.Sort((a, b) => a.Version != b.Version ? a.Version.CompareTo(b.Version) : string.CompareOrdinal(a.Info.Path, b.Info.Path));
        return result;
    }

    private static bool HasCompleteCheckpoint(IReadOnlyList<LogFile> listing, long version)
    {
        var parts = new HashSet<int>();
        var expected = 0;
        foreach (var f in listing)
        {
            if (f.Version != version)
            {
                continue;
            }

            if (f.Kind == LogFileKind.ClassicCheckpoint)
            {
                return true;
            }

            if (f.Kind == LogFileKind.MultiPartCheckpoint)
            {
                parts.Add(f.Part);
                expected = f.Parts;
            }
        }

        return expected > 0 && parts.Count == expected;
    }

    /// <summary>The snapshot of the latest version committed at or before <paramref name="timestamp"/>.</summary>
    public async Task<Snapshot> LoadAtTimestampAsync(DateTimeOffset timestamp, CancellationToken cancellationToken = default)
    {
        var listing = await ListAsync(cancellationToken).ConfigureAwait(false);
        var target = timestamp.ToUnixTimeMilliseconds();
        long? chosen = null;
        long previous = long.MinValue;

        // Commit contents matter only when the table records in-commit timestamps; otherwise the listing's file times decide.
        var latestCommit = listing.LastOrDefault(f => f.Kind == LogFileKind.Commit);
        var usesInCommitTimestamps = latestCommit is not null
            && (await ReadCommitAsync(latestCommit.Version, cancellationToken).ConfigureAwait(false)).OfType<CommitInfoAction>().Any(c => c.InCommitTimestamp is not null);
        foreach (var f in listing)
        {
            if (f.Kind != LogFileKind.Commit)
            {
                continue;
            }

            var ts = usesInCommitTimestamps
                ? await CommitTimestampAsync(f, cancellationToken).ConfigureAwait(false)
                : f.Info.LastModified.ToUnixTimeMilliseconds();

            // File times can go backwards across clocks; like Delta, treat commit times as strictly increasing.
            ts = Math.Max(ts, previous == long.MinValue ? ts : previous + 1);
            previous = ts;
            if (ts <= target)
            {
                chosen = f.Version;
            }
            else
            {
                break;
            }
        }

        if (chosen is null)
        {
            throw new DeltaLogException($"Table {Name} has no version committed at or before {timestamp:O}; the earliest available commit is later.");
        }

        return await LoadFromListingAsync(listing, chosen, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Brings <paramref name="snapshot"/> up to the latest version by replaying only the newer commits.</summary>
    public async Task<Snapshot> UpdateAsync(Snapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var state = snapshot.State.Clone();
        var version = snapshot.Version;
        var timestamp = snapshot.Timestamp;
        while (true)
        {
            var next = version + 1;
            byte[] bytes;
            ObjectInfo? info;
            try
            {
                bytes = await Table.Store.GetAsync(Table.CommitPath(next), cancellationToken).ConfigureAwait(false);
                info = await Table.Store.HeadAsync(Table.CommitPath(next), cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectNotFoundException)
            {
                break;
            }

            var actions = ActionJson.ParseCommit(bytes, CommitName(next));
            foreach (var a in actions)
            {
                state.Apply(a);
            }

            timestamp = TimestampOf(actions, info);
            version = next;
        }

        if (version == snapshot.Version)
        {
            return snapshot;
        }

        var updated = new Snapshot(Table, version, state, timestamp, snapshot);
        TableFeatures.EnsureReadable(updated.Protocol, Name);
        return updated;
    }

    /// <summary>Commit files read at once by <see cref="GetHistoryAsync(int?, CancellationToken)"/>: hides per-request latency on Blob storage without flooding it.</summary>
    private const int HistoryReadConcurrency = 8;

    /// <summary>Per-version commit information of the newest <paramref name="limit"/> commits (all when null), oldest first.</summary>
    public async Task<IReadOnlyList<CommitHistoryEntry>> GetHistoryAsync(int? limit = null, CancellationToken cancellationToken = default) =>
        await GetHistoryAsync(await ListAsync(cancellationToken).ConfigureAwait(false), limit, cancellationToken).ConfigureAwait(false);

    /// <summary>As <see cref="GetHistoryAsync(int?, CancellationToken)"/>, over a listing the caller already holds (from <see cref="ListAsync"/>).</summary>
    public async Task<IReadOnlyList<CommitHistoryEntry>> GetHistoryAsync(IReadOnlyList<LogFile> listing, int? limit = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(listing);
        if (limit is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "The history limit must be 0 or more.");
        }

        var commits = listing.Where(f => f.Kind == LogFileKind.Commit).OrderBy(f => f.Version).ToList();
        if (limit is { } n && commits.Count > n)
        {
            commits = commits.GetRange(commits.Count - n, n);
        }

        var entries = new CommitHistoryEntry[commits.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, commits.Count),
            new ParallelOptions { MaxDegreeOfParallelism = HistoryReadConcurrency, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var file = commits[i];
                var actions = await ReadCommitAsync(file.Version, ct).ConfigureAwait(false);
                entries[i] = CommitHistoryEntry.FromActions(file.Version, actions, file.Info.LastModified);
            }).ConfigureAwait(false);
        return entries;
    }

    /// <summary>The actions of one commit.</summary>
    public async Task<IReadOnlyList<DeltaAction>> ReadCommitAsync(long version, CancellationToken cancellationToken = default)
    {
        byte[] bytes;
        try
        {
            bytes = await Table.Store.GetAsync(Table.CommitPath(version), cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException e)
        {
            throw new DeltaLogException($"Commit {version} of table {Name} does not exist ({Table.CommitPath(version)}).", e);
        }

        return ActionJson.ParseCommit(bytes, CommitName(version));
    }

    internal static string CommitName(long version) => "_delta_log/" + version.ToString("D20", CultureInfo.InvariantCulture) + ".json";

    private async Task<Snapshot> LoadFromListingAsync(IReadOnlyList<LogFile> listing, long? requested, CancellationToken cancellationToken)
    {
        var commits = new Dictionary<long, LogFile>();
        var classic = new Dictionary<long, LogFile>();
        var multi = new Dictionary<long, List<LogFile>>();
        var uuidCheckpoints = new HashSet<long>();
        long latest = -1;
        foreach (var f in listing)
        {
            switch (f.Kind)
            {
                case LogFileKind.Commit:
                    commits[f.Version] = f;
                    latest = Math.Max(latest, f.Version);
                    break;
                case LogFileKind.ClassicCheckpoint:
                    classic[f.Version] = f;
                    latest = Math.Max(latest, f.Version);
                    break;
                case LogFileKind.MultiPartCheckpoint:
                    if (!multi.TryGetValue(f.Version, out var parts))
                    {
                        multi[f.Version] = parts = [];
                    }

                    parts.Add(f);
                    break;
                case LogFileKind.UuidCheckpoint:
                    uuidCheckpoints.Add(f.Version);
                    break;
            }
        }

        if (latest < 0)
        {
            throw new DeltaLogException($"No Delta table at {Name}: {Table.LogFolder} holds no commit or checkpoint. Create the table first, or check the path.");
        }

        var target = requested ?? latest;
        if (target < 0 || target > latest)
        {
            throw new DeltaLogException($"Table {Name} has no version {target}; the latest version is {latest}.");
        }

        // The newest complete checkpoint at or below the target.
        long checkpointVersion = -1;
        IReadOnlyList<LogFile>? checkpointParts = null;
        foreach (var (v, f) in classic)
        {
            if (v <= target && v > checkpointVersion)
            {
                checkpointVersion = v;
                checkpointParts = [f];
            }
        }

        foreach (var (v, parts) in multi)
        {
            if (v <= target && v > checkpointVersion && parts.Count > 0 && parts[0].Parts == parts.Count
                && parts.Select(p => p.Part).Order().SequenceEqual(Enumerable.Range(1, parts.Count)))
            {
                checkpointVersion = v;
                checkpointParts = parts.OrderBy(p => p.Part).ToList();
            }
        }

        var first = checkpointVersion + 1;
        for (var v = first; v <= target; v++)
        {
            if (!commits.ContainsKey(v))
            {
                if (uuidCheckpoints.Any(u => u >= v && u <= target))
                {
                    throw new DeltaLogException($"Table {Name} needs a V2 (UUID-named) checkpoint to reconstruct version {target}; this library reads classic and multi-part checkpoints only. Write a classic checkpoint with another engine or keep the JSON commits.");
                }

                throw new DeltaLogException(checkpointVersion < 0 && v == 0
                    ? $"Table {Name}: commit 0 ({CommitName(0)}) is missing and no checkpoint covers version {target}; the log was cleaned up past its last checkpoint or copied incompletely."
                    : $"Table {Name}: the log has a gap — commit {v} ({CommitName(v)}) is missing between checkpoint {checkpointVersion} and version {target}. Restore the missing commit file.");
            }
        }

        var state = new SnapshotState();
        long timestamp = 0;
        if (checkpointParts is not null)
        {
            if (checkpoints is null)
            {
                throw new DeltaLogException($"Table {Name} must be read from its checkpoint at version {checkpointVersion}, but this DeltaLog was built without a checkpoint format.");
            }

            foreach (var part in checkpointParts)
            {
                IReadOnlyList<DeltaAction> actions;
                try
                {
                    actions = await checkpoints.ReadAsync(Table, part.Info.Path, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not DeltaException and not OperationCanceledException)
                {
                    throw new DeltaLogException($"Checkpoint {part.Info.Path} of table {Name} cannot be read: {e.Message}", e);
                }

                foreach (var a in actions)
                {
                    if (a is UnknownAction { Kind: "sidecar" })
                    {
                        throw new DeltaLogException($"Checkpoint {part.Info.Path} refers to sidecar files (a V2 checkpoint); this library reads classic checkpoints only.");
                    }

                    state.Apply(a);
                }
            }

            timestamp = commits.TryGetValue(checkpointVersion, out var cf)
                ? cf.Info.LastModified.ToUnixTimeMilliseconds()
                : checkpointParts[0].Info.LastModified.ToUnixTimeMilliseconds();
        }

        for (var v = first; v <= target; v++)
        {
            var f = commits[v];
            byte[] bytes;
            try
            {
                bytes = await Table.Store.GetAsync(f.Info.Path, cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectNotFoundException e)
            {
                throw new DeltaLogException($"Table {Name}: commit {v} ({CommitName(v)}) vanished while the log was read; the log was cleaned up concurrently. Retry.", e);
            }

            var actions = ActionJson.ParseCommit(bytes, CommitName(v));
            foreach (var a in actions)
            {
                state.Apply(a);
            }

            timestamp = TimestampOf(actions, f.Info);
        }

        if (state.Metadata is { SchemaString: null })
        {
            throw Snapshot.SchemaMissing(Table, target, await FirstVersionWithSchemaAsync(commits, target, cancellationToken).ConfigureAwait(false));
        }

        var snapshot = new Snapshot(Table, target, state, timestamp);
        TableFeatures.EnsureReadable(snapshot.Protocol, Name);
        return snapshot;
    }

    /// <summary>Commits read after a version without a schema to find the first one that has it; the error path only, so bounded.</summary>
    private const int SchemaSearchCommits = 100;

    /// <summary>The first commit after <paramref name="version"/> whose metaData carries schemaString, or null when none of the next few does.</summary>
    private async Task<long?> FirstVersionWithSchemaAsync(Dictionary<long, LogFile> commits, long version, CancellationToken cancellationToken)
    {
        foreach (var v in commits.Keys.Where(v => v > version).Order().Take(SchemaSearchCommits))
        {
            var actions = await ReadCommitAsync(v, cancellationToken).ConfigureAwait(false);
            if (actions.OfType<MetadataAction>().Any(m => m.SchemaString is not null))
            {
                return v;
            }
        }

        return null;
    }

    private async Task<long> CommitTimestampAsync(LogFile commit, CancellationToken cancellationToken)
    {
        var bytes = await Table.Store.GetAsync(commit.Info.Path, cancellationToken).ConfigureAwait(false);
        return TimestampOf(ActionJson.ParseCommit(bytes, CommitName(commit.Version)), commit.Info);
    }

    private static long TimestampOf(IReadOnlyList<DeltaAction> actions, ObjectInfo? info)
    {
        foreach (var a in actions)
        {
            if (a is CommitInfoAction { InCommitTimestamp: { } ict })
            {
                return ict;
            }
        }

        return info?.LastModified.ToUnixTimeMilliseconds() ?? 0;
    }
}
