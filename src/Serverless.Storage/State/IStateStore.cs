namespace Serverless.Storage.State;

/// <summary>
/// Small JSON entities (job state, checkpoints, orchestration history) keyed by partition and row key, with
/// optimistic concurrency: every write returns a new ETag and <see cref="ReplaceAsync"/> succeeds only against the
/// ETag the caller read. Azure Table storage on Azure, files in a local folder in the embedded default.
/// </summary>
public interface IStateStore
{
    /// <summary>A display form of where the entities live, for messages.</summary>
    string Location { get; }

    /// <summary>The entity, or null when none exists under these keys.</summary>
    Task<StateEntity?> GetAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default);

    /// <summary>Creates the entity only if none exists.</summary>
    /// <exception cref="StateConflictException">An entity with these keys exists already.</exception>
    Task<StateEntity> InsertAsync(string partitionKey, string rowKey, string json, CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces the entity unconditionally.</summary>
    Task<StateEntity> UpsertAsync(string partitionKey, string rowKey, string json, CancellationToken cancellationToken = default);

    /// <summary>Replaces the entity only if its current ETag is <paramref name="etag"/>.</summary>
    /// <exception cref="StateConflictException">The entity changed since it was read, or was deleted.</exception>
    Task<StateEntity> ReplaceAsync(string partitionKey, string rowKey, string json, string etag, CancellationToken cancellationToken = default);

    /// <summary>All entities of one partition in ordinal row-key order, paged underneath.</summary>
    IAsyncEnumerable<StateEntity> ListAsync(string partitionKey, CancellationToken cancellationToken = default);

    /// <summary>Deletes the entity (only at <paramref name="etag"/> when given); false when it did not exist.</summary>
    /// <exception cref="StateConflictException">An ETag was given and the entity changed since it was read.</exception>
    Task<bool> DeleteAsync(string partitionKey, string rowKey, string? etag = null, CancellationToken cancellationToken = default);
}
