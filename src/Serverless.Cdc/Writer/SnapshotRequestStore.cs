using System.Text.Json;
using Serverless.Storage.State;

namespace Serverless.Cdc.Writer;

/// <summary>
/// The re-snapshot requests of one job in the state store: partition <c>job-{name}</c>, one row <c>resnapshot-{db.table}</c>
/// per table (written by the table's writer, deleted by the re-snapshot that served it), so a request survives any crash
/// of the writer or the host and asking twice is one request.
/// </summary>
public sealed class SnapshotRequestStore
{
    private const string RowPrefix = "resnapshot-";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly IStateStore store;
    private readonly string partition;

    public SnapshotRequestStore(IStateStore store, string jobName)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(jobName);
        this.store = store;
        partition = "job-" + jobName;
    }

    public async Task SaveAsync(SnapshotRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var text = JsonSerializer.Serialize(request with { Reason = request.Reason.Length <= 4000 ? request.Reason : request.Reason[..4000] }, Json);
        await store.UpsertAsync(partition, Row(request.QualifiedTable), text, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every request not served yet, in table order.</summary>
    public async Task<IReadOnlyList<SnapshotRequest>> ListAsync(CancellationToken cancellationToken = default)
    {
        var requests = new List<SnapshotRequest>();
        await foreach (var entity in store.ListAsync(partition, cancellationToken).ConfigureAwait(false))
        {
            if (entity.RowKey.StartsWith(RowPrefix, StringComparison.Ordinal))
            {
                requests.Add(JsonSerializer.Deserialize<SnapshotRequest>(entity.Json, Json)!);
            }
        }

        return requests;
    }

    /// <summary>Removes the request once it is served (or has nothing left to serve); only if it is still the one given, so a newer request of the table stays.</summary>
    public async Task DeleteAsync(SnapshotRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var row = Row(request.QualifiedTable);
        var entity = await store.GetAsync(partition, row, cancellationToken).ConfigureAwait(false);
        if (entity is null || JsonSerializer.Deserialize<SnapshotRequest>(entity.Json, Json) is not { } stored || stored.Epoch != request.Epoch || stored.HeldFrom != request.HeldFrom)
        {
            return;
        }

        try
        {
            await store.DeleteAsync(partition, row, entity.ETag, cancellationToken).ConfigureAwait(false);
        }
        catch (StateConflictException)
        {
            // Asked again meanwhile: the newer request stays.
        }
    }

    private static string Row(string qualifiedTable) => StateRowKey.Of(RowPrefix, qualifiedTable);
}
