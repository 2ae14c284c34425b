using System.Text.Json;
using Serverless.Storage.State;

namespace Serverless.Cdc.Capture;

/// <summary>
/// The capture checkpoint of one job in the state store (partition <c>job-{name}</c>, row <c>capture-checkpoint</c>),
/// written only by conditional writes. <see cref="ClaimAsync"/> takes the job over (a new owner and epoch, against the
/// ETag it read, reading again when it lost the race); every <see cref="SaveAsync"/> replaces against the ETag of this
/// owner's last write. Once another capture has claimed the row, the next save of this one fails with
/// <see cref="CaptureFencedException"/>: of two captures of one job only the later claimer advances the checkpoint, and
/// the other stops.
/// </summary>
public sealed class CaptureCheckpointStore
{
    public const string RowKey = "capture-checkpoint";
    private const int MaxClaimAttempts = 10;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly IStateStore store;
    private readonly string jobName;
    private readonly string partition;
    private string? etag;

    public CaptureCheckpointStore(IStateStore store, string jobName)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(jobName);
        this.store = store;
        this.jobName = jobName;
        partition = "job-" + jobName;
    }

    /// <summary>The checkpoint as stored now, or null before the job's first capture.</summary>
    public async Task<CaptureCheckpoint?> ReadAsync(CancellationToken cancellationToken = default)
    {
        var entity = await store.GetAsync(partition, RowKey, cancellationToken).ConfigureAwait(false);
        return entity is null ? null : Deserialize(entity);
    }

    /// <summary>
    /// Takes the job over for <paramref name="owner"/>: returns the checkpoint to resume from (null on the first run),
    /// now stamped with the new owner and epoch.
    /// </summary>
    public async Task<CaptureCheckpoint?> ClaimAsync(string owner, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);

        // The newest claimer wins: a capture still running writes checkpoints meanwhile, so a lost race is read again
        // (nothing was published yet); that capture then fails its next checkpoint and stops.
        for (var attempt = 1; ; attempt++)
        {
            var entity = await store.GetAsync(partition, RowKey, cancellationToken).ConfigureAwait(false);
            var previous = entity is null ? null : Deserialize(entity);
            var claimed = (previous ?? new CaptureCheckpoint { Owner = owner }) with
            {
                Owner = owner, Epoch = (previous?.Epoch ?? 0) + 1, UpdatedAt = DateTimeOffset.UtcNow,
            };
            try
            {
                var written = entity is null
                    ? await store.InsertAsync(partition, RowKey, JsonSerializer.Serialize(claimed, Json), cancellationToken).ConfigureAwait(false)
                    : await store.ReplaceAsync(partition, RowKey, JsonSerializer.Serialize(claimed, Json), entity.ETag, cancellationToken).ConfigureAwait(false);
                etag = written.ETag;
                return previous is null ? null : claimed;
            }
            catch (StateConflictException e) when (attempt >= MaxClaimAttempts)
            {
                throw new CaptureFencedException(jobName, store.Location, e);
            }
            catch (StateConflictException)
            {
                // Lost to a checkpoint of the running capture or another claimer: read the newer row and claim again.
            }
        }
    }

    /// <summary>Replaces the checkpoint if this owner still holds the job; otherwise <see cref="CaptureFencedException"/>.</summary>
    public async Task SaveAsync(CaptureCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var current = etag ?? throw new InvalidOperationException("Claim the job (ClaimAsync) before saving its capture checkpoint.");
        try
        {
            var written = await store.ReplaceAsync(partition, RowKey, JsonSerializer.Serialize(checkpoint, Json), current, cancellationToken).ConfigureAwait(false);
            etag = written.ETag;
        }
        catch (StateConflictException e)
        {
            throw new CaptureFencedException(jobName, store.Location, e);
        }
    }

    private CaptureCheckpoint Deserialize(StateEntity entity) =>
        JsonSerializer.Deserialize<CaptureCheckpoint>(entity.Json, Json)
        ?? throw new InvalidDataException($"The capture checkpoint of job '{jobName}' in {store.Location} is empty; delete the row '{RowKey}' to start capture again from P0.");
}
