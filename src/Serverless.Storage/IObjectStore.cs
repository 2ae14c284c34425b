namespace Serverless.Storage;

/// <summary>
/// A flat namespace of immutable-by-convention objects (a local folder, a Blob container). Paths use
/// '/' separators and are relative to the store's root. Conditional creation is the concurrency
/// primitive the Delta log relies on: <see cref="PutIfAbsentAsync"/> succeeds for exactly one caller; objects that are
/// overwritten in place (state, leases) use <see cref="PutIfMatchAsync"/> the same way.
/// </summary>
public interface IObjectStore
{
    /// <summary>A display form of the store's root (a folder path or a container URL), for messages.</summary>
    string Location { get; }

    /// <summary>Creates the object only if no object exists at <paramref name="path"/>.</summary>
    /// <exception cref="ObjectAlreadyExistsException">Another writer created it first.</exception>
    Task<ObjectInfo> PutIfAbsentAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces the object.</summary>
    Task<ObjectInfo> PutAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the object only while it is still the version <paramref name="etag"/> names (as <see cref="ObjectInfo.ETag"/>
    /// gave it): of several writers that read one version and replace it, exactly one succeeds.
    /// </summary>
    /// <exception cref="ObjectChangedException">The object was replaced or deleted since that version.</exception>
    Task<ObjectInfo> PutIfMatchAsync(string path, ReadOnlyMemory<byte> content, string etag, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens a write-only, non-seekable stream that uploads while it is written (blocks above 4 MiB on
    /// Blob storage) and makes the object visible only on <see cref="ObjectWriteStream.CompleteAsync"/>;
    /// a stream disposed without completing (after an exception, say) leaves nothing visible.
    /// </summary>
    Task<ObjectWriteStream> OpenWriteAsync(string path, bool overwrite = true, CancellationToken cancellationToken = default);

    /// <summary>Reads the whole object.</summary>
    /// <exception cref="ObjectNotFoundException">No object at <paramref name="path"/>.</exception>
    Task<byte[]> GetAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Reads <paramref name="length"/> bytes from <paramref name="offset"/> (fewer at the end of the object).</summary>
    /// <exception cref="ObjectNotFoundException">No object at <paramref name="path"/>.</exception>
    Task<byte[]> GetRangeAsync(string path, long offset, int length, CancellationToken cancellationToken = default);

    /// <summary>Size and version of the object, or null when it does not exist.</summary>
    Task<ObjectInfo?> HeadAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Objects whose path starts with <paramref name="prefix"/>, in ordinal path order, paged underneath.</summary>
    IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>Deletes the object; deleting a missing object is not an error.</summary>
    Task DeleteAsync(string path, CancellationToken cancellationToken = default);
}
