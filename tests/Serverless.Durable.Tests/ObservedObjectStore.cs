using System.Runtime.CompilerServices;
using Serverless.Storage;

namespace Serverless.Durable.Tests;

/// <summary>
/// A real object store (the runtime's own local folder store underneath) that counts reads and calls
/// <see cref="AfterChange"/> after every write or delete, before the writer continues. A check there sees each
/// state the store passes through, including the middle of a continue-as-new (next generation written, old not
/// yet deleted), which no outside poller could reliably catch.
/// </summary>
internal sealed class ObservedObjectStore(IObjectStore inner) : IObjectStore
{
    private int reads;
    private int lists;
    private int heads;

    /// <summary>Called with the changed path; must not throw (the runtime would treat it as a store failure).</summary>
    public Func<string, Task>? AfterChange { get; set; }

    /// <summary>Called with the prefix once a listing has returned its last entry, before the lister sees the end.</summary>
    public Func<string, Task>? AfterList { get; set; }

    public string Location => inner.Location;

    public int Reads => Volatile.Read(ref reads);

    public int Lists => Volatile.Read(ref lists);

    public int Heads => Volatile.Read(ref heads);

    public async Task<ObjectInfo> PutIfAbsentAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var info = await inner.PutIfAbsentAsync(path, content, cancellationToken);
        await NotifyAsync(path);
        return info;
    }

    public async Task<ObjectInfo> PutAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var info = await inner.PutAsync(path, content, cancellationToken);
        await NotifyAsync(path);
        return info;
    }

    public async Task<ObjectInfo> PutIfMatchAsync(string path, ReadOnlyMemory<byte> content, string etag, CancellationToken cancellationToken = default)
    {
        var info = await inner.PutIfMatchAsync(path, content, etag, cancellationToken);
        await NotifyAsync(path);
        return info;
    }

    public Task<ObjectWriteStream> OpenWriteAsync(string path, bool overwrite = true, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The durable runtime writes history with PutIfAbsentAsync only.");

    public Task<byte[]> GetAsync(string path, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref reads);
        return inner.GetAsync(path, cancellationToken);
    }

    public Task<byte[]> GetRangeAsync(string path, long offset, int length, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref reads);
        return inner.GetRangeAsync(path, offset, length, cancellationToken);
    }

    public Task<ObjectInfo?> HeadAsync(string path, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref heads);
        return inner.HeadAsync(path, cancellationToken);
    }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref lists);
        await foreach (var info in inner.ListAsync(prefix, cancellationToken))
        {
            yield return info;
        }

        if (AfterList is { } afterList)
        {
            await afterList(prefix);
        }
    }

    public async Task DeleteAsync(string path, CancellationToken cancellationToken = default)
    {
        await inner.DeleteAsync(path, cancellationToken);
        await NotifyAsync(path);
    }

    private Task NotifyAsync(string path) => AfterChange?.Invoke(path) ?? Task.CompletedTask;
}
