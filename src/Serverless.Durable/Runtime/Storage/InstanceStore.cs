using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Serverless.Durable.History;
using Serverless.Storage;

namespace Serverless.Durable.Runtime.Storage;

/// <summary>
/// Lays instances out in an object store:
/// <c>{hub}/instances/{instanceId}/g{generation:D6}/{batch:D8}.json</c> for history batches (put-if-absent,
/// never rewritten), <c>{hub}/instances/{instanceId}/g{generation:D6}/status.json</c> for the execution's custom status
/// (<see cref="CustomStatusRecord"/>, overwritten after each episode's batch) and
/// <c>{hub}/instances/{instanceId}/inbox/{messageId}.json</c> for pending client requests.
/// A continue-as-new writes generation n+1 before deleting generation n, so the highest generation present
/// is always the current execution.
/// </summary>
internal sealed class InstanceStore
{
    // The default encoder writes every '"' inside a string as \u0022: a custom status (JSON in a string) stored in
    // every batch came out 1.8 times its size. Batches are never embedded in HTML, so only JSON's own escapes are needed.
    // The serialization code is generated (HistoryJsonContext), so no history is read or written by reflection.
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = HistoryJsonContext.Default,
    };

    private const string StatusFileName = "status.json";

    private readonly IObjectStore store;
    private readonly string instancesPrefix;

    public InstanceStore(IObjectStore store, string hubName)
    {
        this.store = store;
        instancesPrefix = hubName + "/instances/";
    }

    public string Location => store.Location;

    public static void ValidateInstanceId(string instanceId) => ValidateName(instanceId, "Instance id", nameof(instanceId));

    /// <summary>Instance ids and hub names become folder and blob names, so they are kept to a portable set.</summary>
    public static void ValidateName(string value, string what, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(value, parameterName);
        if (value.Length is 0 or > 200)
        {
            throw new ArgumentException($"{what} '{value}' must be 1 to 200 characters long.", parameterName);
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                throw new ArgumentException(
                    $"{what} '{value}' contains '{c}'; use only ASCII letters, digits, '-', '_' and '.' (it names folders and blobs).",
                    parameterName);
            }
        }

        if (value[0] == '.')
        {
            throw new ArgumentException($"{what} '{value}' must not start with '.'.", parameterName);
        }
    }

    /// <summary>The current execution's history, or null when the instance does not exist.</summary>
    public async Task<InstanceHistory?> LoadAsync(string instanceId, CancellationToken cancellationToken)
    {
        var prefix = InstancePrefix(instanceId);
        var batchesByGeneration = new SortedDictionary<int, List<(int Index, string Path)>>();

        // Listed twice when empty for the same reason as in ListCurrentGenerationAsync: a continue-as-new in between.
        for (var attempt = 0; attempt < 2 && batchesByGeneration.Count == 0; attempt++)
        {
            await foreach (var info in store.ListAsync(prefix + "g", cancellationToken).ConfigureAwait(false))
            {
                if (TryParseBatchPath(info.Path.AsSpan(prefix.Length), out var generation, out var index))
                {
                    if (!batchesByGeneration.TryGetValue(generation, out var list))
                    {
                        batchesByGeneration[generation] = list = [];
                    }

                    list.Add((index, info.Path));
                }
            }
        }

        if (batchesByGeneration.Count == 0)
        {
            return null;
        }

        var (currentGeneration, batches) = batchesByGeneration.Last();
        batches.Sort((a, b) => a.Index.CompareTo(b.Index));

        // Read before the batches: a continue-as-new deletes the batches before the status, so a status read that
        // precedes a successful batch read was not cut short by that deletion.
        var status = await TryReadStatusRecordAsync(instanceId, currentGeneration, cancellationToken).ConfigureAwait(false);
        var history = new InstanceHistory(instanceId, currentGeneration);
        for (var i = 0; i < batches.Count; i++)
        {
            if (batches[i].Index != i)
            {
                throw new InvalidDataException(
                    $"History of instance '{instanceId}' in {store.Location} is missing batch {i} (found {batches[i].Path} next); "
                    + "batches are written in order and never deleted singly, so the folder was edited by hand. Restore the batch or purge the instance.");
            }

            history.Append(await ReadBatchAsync(batches[i].Path, cancellationToken).ConfigureAwait(false));
        }

        if (status is not null && history.ExecutionStarted is { } started && status.AppliesTo(started.ExecutionId, status.Batch + 1))
        {
            // Appended (with its status) after the listing: read up to that batch, so the status is never further along
            // than the history it is reported with. Written in order, so the batches in between exist.
            try
            {
                for (var i = history.BatchCount; i <= status.Batch; i++)
                {
                    history.Append(await ReadBatchAsync(BatchPath(instanceId, currentGeneration, i), cancellationToken).ConfigureAwait(false));
                }
            }
            catch (ObjectNotFoundException)
            {
                // The generation went away (continue-as-new, purge) meanwhile; ApplyStatusRecord ignores the record.
            }

            history.ApplyStatusRecord(status);
        }

        return history;
    }

    /// <summary>
    /// What a status query needs, reading only the current execution's first and newest batches (one listing and
    /// at most two reads whatever the history's length), or null when the instance does not exist. Agrees with
    /// <see cref="LoadAsync"/> followed by <see cref="InstanceHistory.ToSummary"/>; falls back to that when history
    /// does not have the shape the runtime writes.
    /// </summary>
    public async Task<InstanceSummary?> ReadSummaryAsync(string instanceId, CancellationToken cancellationToken)
    {
        const int Attempts = 3;
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            if (await ListCurrentGenerationAsync(instanceId, cancellationToken).ConfigureAwait(false) is not { } current)
            {
                return null;
            }

            if (!current.IsContiguous)
            {
                // The full load names the missing batch.
                break;
            }

            HistoryBatch first, newest;
            CustomStatusRecord? status;
            var batchCount = current.BatchCount;
            try
            {
                // Status before batches, as in LoadAsync.
                status = await TryReadStatusRecordAsync(instanceId, current.Generation, cancellationToken).ConfigureAwait(false);
                first = await ReadBatchAsync(current.FirstPath, cancellationToken).ConfigureAwait(false);
                var newestPath = current.NewestPath;
                if (status is not null && first.Events is [ExecutionStartedEvent started, ..] && status.AppliesTo(started.ExecutionId, status.Batch + 1)
                    && status.Batch >= batchCount)
                {
                    // An episode appended its batch and wrote its status after the listing: report that batch.
                    batchCount = status.Batch + 1;
                    newestPath = BatchPath(instanceId, current.Generation, status.Batch);
                }

                newest = batchCount == 1 ? first : await ReadBatchAsync(newestPath, cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectNotFoundException)
            {
                // The generation was deleted after the listing (a continue-as-new moved on, or a purge): list again.
                continue;
            }

            return InstanceSummary.FromFirstAndNewestBatch(current.Generation, batchCount, first, newest, status)
                ?? (await LoadAsync(instanceId, cancellationToken).ConfigureAwait(false))?.ToSummary();
        }

        return (await LoadAsync(instanceId, cancellationToken).ConfigureAwait(false))?.ToSummary();
    }

    /// <summary>
    /// Whether the instance exists and whether its current execution has ended, reading only the newest
    /// history batch (cheap enough to poll, unlike <see cref="LoadAsync"/> on a long history).
    /// </summary>
    public async Task<InstanceTail> ReadTailAsync(string instanceId, CancellationToken cancellationToken)
    {
        if (await ListCurrentGenerationAsync(instanceId, cancellationToken).ConfigureAwait(false) is not { } current)
        {
            return InstanceTail.Missing;
        }

        try
        {
            var newest = await ReadBatchAsync(current.NewestPath, cancellationToken).ConfigureAwait(false);
            return new InstanceTail(true, newest.Events.Any(e => e is ExecutionCompletedEvent));
        }
        catch (ObjectNotFoundException)
        {
            // Deleted by a continue-as-new or purge between listing and reading: not finished, or gone.
            return new InstanceTail(true, false);
        }
    }

    /// <summary>
    /// Whether a status published from memory still matches the store: the status object is the very one that was
    /// written after the newest batch (same version; nobody rewrote, purged or re-created it) and no batch follows
    /// that batch. Two metadata requests, whatever the history's length.
    /// </summary>
    public async Task<bool> IsStillCurrentAsync(LiveInstanceStatus status, CancellationToken cancellationToken)
    {
        var written = await store.HeadAsync(status.StatusPath, cancellationToken).ConfigureAwait(false);
        return written?.ETag == status.StatusETag
            && await store.HeadAsync(status.NextBatchPath, cancellationToken).ConfigureAwait(false) is null;
    }

    /// <summary>Ids of instances with client requests waiting in their inbox.</summary>
    public async Task<(IReadOnlyList<string> All, IReadOnlyList<string> WithInbox)> ScanInstancesAsync(CancellationToken cancellationToken)
    {
        var all = new SortedSet<string>(StringComparer.Ordinal);
        var withInbox = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var info in store.ListAsync(instancesPrefix, cancellationToken).ConfigureAwait(false))
        {
            var rest = info.Path.AsSpan(instancesPrefix.Length);
            var slash = rest.IndexOf('/');
            if (slash > 0)
            {
                var id = rest[..slash].ToString();
                all.Add(id);
                if (rest[(slash + 1)..].StartsWith("inbox/", StringComparison.Ordinal))
                {
                    withInbox.Add(id);
                }
            }
        }

        return ([.. all], [.. withInbox]);
    }

    /// <summary>Writes the next batch; null when another writer already created it (the caller must reload).</summary>
    public async Task<ObjectInfo?> TryAppendAsync(string instanceId, int generation, int batchIndex, HistoryBatch batch, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(batch, Json);
        try
        {
            return await store.PutIfAbsentAsync(BatchPath(instanceId, generation, batchIndex), bytes, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectAlreadyExistsException)
        {
            return null;
        }
    }

    /// <summary>
    /// Overwrites the execution's custom status. Call only after the batch <see cref="CustomStatusRecord.Batch"/> was
    /// appended by this writer, so the status never runs ahead of history.
    /// </summary>
    public Task<ObjectInfo> WriteStatusRecordAsync(string instanceId, int generation, CustomStatusRecord record, CancellationToken cancellationToken) =>
        store.PutAsync(StatusPath(instanceId, generation), JsonSerializer.SerializeToUtf8Bytes(record, Json), cancellationToken);

    /// <summary>The execution's status record, or null when none was written (history from before status records, or no episode yet).</summary>
    public async Task<CustomStatusRecord?> TryReadStatusRecordAsync(string instanceId, int generation, CancellationToken cancellationToken)
    {
        var path = StatusPath(instanceId, generation);
        byte[] bytes;
        try
        {
            bytes = await store.GetAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<CustomStatusRecord>(bytes, Json) is { ExecutionId: not null } record
                ? record
                : throw new InvalidDataException($"Custom status {path} in {store.Location} has no executionId; delete it (the next episode writes it again).");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException(
                $"Custom status {path} in {store.Location} is not valid JSON ({ex.Message}, line {ex.LineNumber}, byte {ex.BytePositionInLine}); "
                + "it is written whole, so the file was edited or damaged. Delete it: the next episode writes it again.",
                ex);
        }
    }

    public async Task DeleteGenerationsBelowAsync(string instanceId, int generation, CancellationToken cancellationToken)
    {
        var prefix = InstancePrefix(instanceId);
        var batches = new List<string>();
        var statuses = new List<string>();
        await foreach (var info in store.ListAsync(prefix + "g", cancellationToken).ConfigureAwait(false))
        {
            var relative = info.Path.AsSpan(prefix.Length);
            if (TryParseBatchPath(relative, out var g, out _) && g < generation)
            {
                batches.Add(info.Path);
            }
            else if (TryParseStatusPath(relative, out g) && g < generation)
            {
                statuses.Add(info.Path);
            }
        }

        // Batches first: readers read the status before the batches, so a reader whose batch reads succeed read a status
        // that had not been deleted yet.
        foreach (var path in batches.Concat(statuses))
        {
            await store.DeleteAsync(path, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task AddInboxMessageAsync(string instanceId, InboxMessage message, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(message, Json);
        await store.PutIfAbsentAsync(InboxPath(instanceId, message.Id), bytes, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<InboxMessage>> ReadInboxAsync(string instanceId, CancellationToken cancellationToken)
    {
        var messages = new List<InboxMessage>();
        await foreach (var info in store.ListAsync(InstancePrefix(instanceId) + "inbox/", cancellationToken).ConfigureAwait(false))
        {
            if (!info.Path.EndsWith(".json", StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                var bytes = await store.GetAsync(info.Path, cancellationToken).ConfigureAwait(false);
                messages.Add(JsonSerializer.Deserialize<InboxMessage>(bytes, Json)
                    ?? throw new InvalidDataException($"Inbox message {info.Path} in {store.Location} is empty JSON."));
            }
            catch (ObjectNotFoundException)
            {
                // Consumed and deleted by an episode between listing and reading.
            }
        }

        // Ids are time-ordered, so this is arrival order.
        messages.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return messages;
    }

    public Task DeleteInboxMessageAsync(string instanceId, string messageId, CancellationToken cancellationToken) =>
        store.DeleteAsync(InboxPath(instanceId, messageId), cancellationToken);

    /// <summary>Deletes history and inbox; true when anything existed.</summary>
    public async Task<bool> DeleteInstanceAsync(string instanceId, CancellationToken cancellationToken)
    {
        var paths = new List<string>();
        await foreach (var info in store.ListAsync(InstancePrefix(instanceId), cancellationToken).ConfigureAwait(false))
        {
            paths.Add(info.Path);
        }

        // Newest generation last, so a purge interrupted halfway never leaves an older execution looking current.
        paths.Sort(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            await store.DeleteAsync(path, cancellationToken).ConfigureAwait(false);
        }

        return paths.Count > 0;
    }

    private static bool TryParseBatchPath(ReadOnlySpan<char> relative, out int generation, out int index)
    {
        // g000001/00000042.json
        generation = index = 0;
        return relative.Length == 7 + 1 + 8 + 5
            && relative[0] == 'g'
            && relative[7] == '/'
            && relative.EndsWith(".json", StringComparison.Ordinal)
            && int.TryParse(relative[1..7], NumberStyles.None, CultureInfo.InvariantCulture, out generation)
            && int.TryParse(relative[8..16], NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }

    private static bool TryParseStatusPath(ReadOnlySpan<char> relative, out int generation)
    {
        // g000001/status.json
        generation = 0;
        return relative.Length == 7 + 1 + StatusFileName.Length
            && relative[0] == 'g'
            && relative[7] == '/'
            && relative[8..].SequenceEqual(StatusFileName)
            && int.TryParse(relative[1..7], NumberStyles.None, CultureInfo.InvariantCulture, out generation);
    }

    /// <summary>
    /// The current execution's batches as one listing shows them, or null when there are none. A continue-as-new
    /// writes the next generation, then deletes the old one. A listing that passed the new generation's folder
    /// before it existed and reached the old one after its deletion finds nothing; a second listing starts after
    /// that deletion and so sees the new generation. Twice empty means no instance.
    /// </summary>
    private async Task<CurrentGeneration?> ListCurrentGenerationAsync(string instanceId, CancellationToken cancellationToken)
    {
        var prefix = InstancePrefix(instanceId);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            int currentGeneration = -1, count = 0, newestIndex = -1;
            string? firstPath = null, newestPath = null;
            await foreach (var info in store.ListAsync(prefix + "g", cancellationToken).ConfigureAwait(false))
            {
                if (!TryParseBatchPath(info.Path.AsSpan(prefix.Length), out var generation, out var index) || generation < currentGeneration)
                {
                    continue;
                }

                if (generation > currentGeneration)
                {
                    (currentGeneration, count, newestIndex, firstPath, newestPath) = (generation, 0, -1, null, null);
                }

                count++;
                if (index == 0)
                {
                    firstPath = info.Path;
                }

                if (index > newestIndex)
                {
                    (newestIndex, newestPath) = (index, info.Path);
                }
            }

            if (newestPath is not null)
            {
                // Paths are unique, so indexes 0..n-1 are all present exactly when there are n of them and n-1 is the largest.
                return new CurrentGeneration(currentGeneration, count, firstPath is not null && count == newestIndex + 1, firstPath ?? newestPath, newestPath);
            }
        }

        return null;
    }

    private async Task<HistoryBatch> ReadBatchAsync(string path, CancellationToken cancellationToken) =>
        ReadBatch(await store.GetAsync(path, cancellationToken).ConfigureAwait(false), path);

    private HistoryBatch ReadBatch(byte[] bytes, string path)
    {
        try
        {
            return JsonSerializer.Deserialize<HistoryBatch>(bytes, Json)
                ?? throw new InvalidDataException($"History batch {path} in {store.Location} is empty JSON.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException(
                $"History batch {path} in {store.Location} is not valid history JSON ({ex.Message}, line {ex.LineNumber}, byte {ex.BytePositionInLine}). "
                + "Batches are published atomically, so the file was edited or damaged; restore it or purge the instance.",
                ex);
        }
    }

    /// <summary>The highest generation in a listing: its batch count, whether batches 0..count-1 are all there, and its first and newest batch.</summary>
    private readonly record struct CurrentGeneration(int Generation, int BatchCount, bool IsContiguous, string FirstPath, string NewestPath);

    private string InstancePrefix(string instanceId) => instancesPrefix + instanceId + "/";

    public string StatusPath(string instanceId, int generation) =>
        string.Create(CultureInfo.InvariantCulture, $"{InstancePrefix(instanceId)}g{generation:D6}/{StatusFileName}");

    public string BatchPath(string instanceId, int generation, int batchIndex) =>
        string.Create(CultureInfo.InvariantCulture, $"{InstancePrefix(instanceId)}g{generation:D6}/{batchIndex:D8}.json");

    private string InboxPath(string instanceId, string messageId) => $"{InstancePrefix(instanceId)}inbox/{messageId}.json";
}
