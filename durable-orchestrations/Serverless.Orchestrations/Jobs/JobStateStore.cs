using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Serverless.Orchestrations.Streaming;
using Serverless.Storage.State;

namespace Serverless.Orchestrations.Jobs;

/// <summary>
/// A job's durable state in the state store: partition <c>job-{name}</c>, row <c>start-position</c> (P0, written
/// once: the earliest wins), one row <c>table-{db.table}</c> per source table and the stream-status record (row
/// <c>stream-status</c>, overwritten every few seconds while the job streams and when it stops). Local files in the embedded default,
/// Azure Table storage on Azure.
/// </summary>
public sealed class JobStateStore
{
    private const string StartPositionRow = "start-position";
    private const string StreamStatusRow = "stream-status";
    private const string DiscoveryPositionRow = "discovery-position";

    // Generated code for the snapshot's entities; the stream status (written every few seconds) by reflection.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = JsonTypeInfoResolver.Combine(StartJob.StartJobJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };
    private readonly IStateStore store;
    private readonly string partition;

    public JobStateStore(IStateStore store, string jobName)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(jobName);
        this.store = store;
        partition = "job-" + jobName;
    }

    /// <summary>
    /// Records P0 unless one is recorded already, and returns the recorded one: a later run (after a failure) keeps the
    /// earliest position, which is at or before every chunk either run committed.
    /// </summary>
    public async Task<StartPosition> RecordStartPositionAsync(StartPosition position, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(position);
        try
        {
            await store.InsertAsync(partition, StartPositionRow, JsonSerializer.Serialize(position, Json), cancellationToken).ConfigureAwait(false);
            return position;
        }
        catch (StateConflictException)
        {
            return await GetStartPositionAsync(cancellationToken).ConfigureAwait(false) ?? position;
        }
    }

    public Task<StartPosition?> GetStartPositionAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<StartPosition>(StartPositionRow, cancellationToken);

    /// <summary>
    /// Records the binlog position read just before the snapshot's discovery of the tables (row <c>discovery-position</c>;
    /// a later discovery replaces it): the migration records it in each lake table it snapshots, and the writers skip the
    /// table's changes below it (<see cref="Cdc.Writer.SnapshotDiscovery"/>).
    /// </summary>
    public Task SaveDiscoveryPositionAsync(StartPosition position, CancellationToken cancellationToken = default) =>
        WriteAsync(DiscoveryPositionRow, position, cancellationToken);

    public Task<StartPosition?> GetDiscoveryPositionAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<StartPosition>(DiscoveryPositionRow, cancellationToken);

    public Task<TableSnapshotState?> GetTableAsync(string sourceTable, CancellationToken cancellationToken = default) =>
        ReadAsync<TableSnapshotState>(TableRow(sourceTable), cancellationToken);

    public Task SaveTableAsync(TableSnapshotState state, CancellationToken cancellationToken = default) =>
        WriteAsync(TableRow(state?.SourceTable ?? throw new ArgumentNullException(nameof(state))), state, cancellationToken);

    public async Task<IReadOnlyList<TableSnapshotState>> ListTablesAsync(CancellationToken cancellationToken = default)
    {
        var tables = new List<TableSnapshotState>();
        await foreach (var entity in store.ListAsync(partition, cancellationToken).ConfigureAwait(false))
        {
            if (entity.RowKey.StartsWith("table-", StringComparison.Ordinal))
            {
                tables.Add(JsonSerializer.Deserialize<TableSnapshotState>(entity.Json, Json)!);
            }
        }

        return tables;
    }

    /// <summary>Replaces the stream-status record (what <c>serverless status</c> shows from another process or after a stop).</summary>
    public Task SaveStreamStatusAsync(StreamStatus status, CancellationToken cancellationToken = default) =>
        WriteAsync(StreamStatusRow, status, cancellationToken);

    public Task<StreamStatus?> GetStreamStatusAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<StreamStatus>(StreamStatusRow, cancellationToken);

    private async Task<T?> ReadAsync<T>(string row, CancellationToken cancellationToken)
        where T : class
    {
        var entity = await store.GetAsync(partition, row, cancellationToken).ConfigureAwait(false);
        return entity is null ? null : JsonSerializer.Deserialize<T>(entity.Json, Json);
    }

    private async Task WriteAsync<T>(string row, T value, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(value);
        await store.UpsertAsync(partition, row, JsonSerializer.Serialize(value, Json), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>State keys may not hold '/', '\', '#', '?', '%' or control characters (Azure Table rules); those become %XX.</summary>
    internal static string TableRow(string sourceTable) => StateRowKey.Of("table-", sourceTable);
}
