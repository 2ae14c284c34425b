using Serverless.Storage;

namespace Serverless.Durable.Tests;

/// <summary>
/// A real store that loses one status object write: the <paramref name="failingWrite"/>-th PutAsync of a
/// <c>status.json</c> throws before reaching the store, as if the process died between appending a history batch
/// and writing its status. Everything else passes through.
/// </summary>
internal sealed class StatusWriteFailingStore(IObjectStore inner, int failingWrite) : IObjectStore
{
    private readonly TaskCompletionSource failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int statusWrites;

    /// <summary>Completes once the write was lost.</summary>
    public Task Failed => failed.Task;

    public string Location => inner.Location;

    public Task<ObjectInfo> PutAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        if (path.EndsWith("/status.json", StringComparison.Ordinal) && Interlocked.Increment(ref statusWrites) == failingWrite)
        {
            failed.TrySetResult();
            throw new IOException($"Simulated loss of status write {failingWrite} ({path}) after its history batch was appended.");
        }

        return inner.PutAsync(path, content, cancellationToken);
    }

    public Task<ObjectInfo> PutIfMatchAsync(string path, ReadOnlyMemory<byte> content, string etag, CancellationToken cancellationToken = default) =>
        inner.PutIfMatchAsync(path, content, etag, cancellationToken);

    public Task<ObjectInfo> PutIfAbsentAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        inner.PutIfAbsentAsync(path, content, cancellationToken);

    public Task<ObjectWriteStream> OpenWriteAsync(string path, bool overwrite = true, CancellationToken cancellationToken = default) =>
        inner.OpenWriteAsync(path, overwrite, cancellationToken);

    public Task<byte[]> GetAsync(string path, CancellationToken cancellationToken = default) => inner.GetAsync(path, cancellationToken);

    public Task<byte[]> GetRangeAsync(string path, long offset, int length, CancellationToken cancellationToken = default) =>
        inner.GetRangeAsync(path, offset, length, cancellationToken);

    public Task<ObjectInfo?> HeadAsync(string path, CancellationToken cancellationToken = default) => inner.HeadAsync(path, cancellationToken);

    public IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);

    public Task DeleteAsync(string path, CancellationToken cancellationToken = default) => inner.DeleteAsync(path, cancellationToken);
}
