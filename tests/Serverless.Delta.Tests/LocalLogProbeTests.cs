using Serverless.Delta.Actions;
using Serverless.Delta.Log;
using Serverless.Delta.Schema;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Delta.Tests;

/// <summary>On the local folder a load finds the commits after the checkpoint by name, never by reading the folder.</summary>
public sealed class LocalLogProbeTests
{
    private static readonly TableDefinition KeyOnly = new([new StructField("id", PrimitiveType.Long, false)]);

    private static AddFile Add(long i) => new($"part-{i:D6}.parquet", new Dictionary<string, string?>(), 10, 1, true, "{\"numRecords\":1}");

    [Fact]
    public async Task LocalLoadFindsCommitsAfterTheCheckpointByNameAndMatchesTheListedLoad()
    {
        using var dir = new TempDirectory();
        var store = new LocalFolderObjectStore(dir.Path);
        var table = await DeltaTable.CreateAsync(new TableLocation(store), KeyOnly);
        for (var i = 1; i <= 37; i++)
        {
            var tx = table.BeginTransaction().Add(Add(i));
            if (i % 7 == 0)
            {
                tx.Remove(table.Snapshot.FindFile($"part-{i - 3:D6}.parquet")!);
            }

            await table.CommitAsync(tx);
        }

        var probed = await new DeltaLog(new TableLocation(new LocalFolderObjectStore(dir.Path))).LoadAsync();
        var listed = await new DeltaLog(new TableLocation(new NotLocalStore(new LocalFolderObjectStore(dir.Path)))).LoadAsync();

        Assert.Equal(37, probed.Version);
        Assert.Equal(listed.Version, probed.Version);
        Assert.Equal(listed.Files.Select(f => f.Path).Order(StringComparer.Ordinal), probed.Files.Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.Equal(37 - 5, probed.Files.Count);

        var older = await new DeltaLog(new TableLocation(new LocalFolderObjectStore(dir.Path))).LoadAsync(33);
        Assert.Equal(33, older.Version);
        Assert.Equal(33 - 4, older.Files.Count);
    }

    /// <summary>The same folder seen through a store of another type, so the load takes the listing path.</summary>
    private sealed class NotLocalStore(Serverless.Storage.IObjectStore inner) : Serverless.Storage.IObjectStore
    {
        public string Location => inner.Location;

        public Task<Serverless.Storage.ObjectInfo> PutIfAbsentAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) => inner.PutIfAbsentAsync(path, content, cancellationToken);

        public Task<Serverless.Storage.ObjectInfo> PutAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) => inner.PutAsync(path, content, cancellationToken);

        public Task<Serverless.Storage.ObjectInfo> PutIfMatchAsync(string path, ReadOnlyMemory<byte> content, string etag, CancellationToken cancellationToken = default) => inner.PutIfMatchAsync(path, content, etag, cancellationToken);

        public Task<Serverless.Storage.ObjectWriteStream> OpenWriteAsync(string path, bool overwrite = true, CancellationToken cancellationToken = default) => inner.OpenWriteAsync(path, overwrite, cancellationToken);

        public Task<byte[]> GetAsync(string path, CancellationToken cancellationToken = default) => inner.GetAsync(path, cancellationToken);

        public Task<byte[]> GetRangeAsync(string path, long offset, int length, CancellationToken cancellationToken = default) => inner.GetRangeAsync(path, offset, length, cancellationToken);

        public Task<Serverless.Storage.ObjectInfo?> HeadAsync(string path, CancellationToken cancellationToken = default) => inner.HeadAsync(path, cancellationToken);

        public IAsyncEnumerable<Serverless.Storage.ObjectInfo> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);

        public Task DeleteAsync(string path, CancellationToken cancellationToken = default) => inner.DeleteAsync(path, cancellationToken);
    }
}
