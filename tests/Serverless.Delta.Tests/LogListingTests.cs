using Serverless.Delta.Actions;
using Serverless.Delta.Log;
using Serverless.Delta.Schema;
using Serverless.Storage;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Delta.Tests;

/// <summary>Snapshot loads list only the log after _last_checkpoint, block by block, and fall back to a full listing.</summary>
public sealed class LogListingTests
{
    private static readonly TableDefinition KeyOnly = new([new StructField("id", PrimitiveType.Long, false)]);

    private static AddFile Add(long i) => new($"part-{i:D6}.parquet", new Dictionary<string, string?>(), 10, 1, true, "{\"numRecords\":1}");

    /// <summary>An object store that records the prefixes it was asked to list.</summary>
    private sealed class ListingRecorder(IObjectStore inner) : IObjectStore
    {
        public List<string> Prefixes { get; } = [];

        public string Location => inner.Location;

        public Task<ObjectInfo> PutIfAbsentAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) => inner.PutIfAbsentAsync(path, content, cancellationToken);

        public Task<ObjectInfo> PutAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) => inner.PutAsync(path, content, cancellationToken);

        public Task<ObjectInfo> PutIfMatchAsync(string path, ReadOnlyMemory<byte> content, string etag, CancellationToken cancellationToken = default) => inner.PutIfMatchAsync(path, content, etag, cancellationToken);

        public Task<ObjectWriteStream> OpenWriteAsync(string path, bool overwrite = true, CancellationToken cancellationToken = default) => inner.OpenWriteAsync(path, overwrite, cancellationToken);

        public Task<byte[]> GetAsync(string path, CancellationToken cancellationToken = default) => inner.GetAsync(path, cancellationToken);

        public Task<byte[]> GetRangeAsync(string path, long offset, int length, CancellationToken cancellationToken = default) => inner.GetRangeAsync(path, offset, length, cancellationToken);

        public Task<ObjectInfo?> HeadAsync(string path, CancellationToken cancellationToken = default) => inner.HeadAsync(path, cancellationToken);

        public IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken cancellationToken = default)
        {
            lock (Prefixes)
            {
                Prefixes.Add(prefix);
            }

            return inner.ListAsync(prefix, cancellationToken);
        }

        public Task DeleteAsync(string path, CancellationToken cancellationToken = default) => inner.DeleteAsync(path, cancellationToken);
    }

    private static async Task<DeltaTable> BuildAsync(string folder, int commits)
    {
        var table = await DeltaTable.CreateAsync(new TableLocation(new LocalFolderObjectStore(folder)), KeyOnly);
        for (var i = 1; i <= commits; i++)
        {
            await table.CommitAsync(table.BeginTransaction().Add(Add(i)));
        }

        return table;
    }

    [Fact]
    public async Task LatestLoadListsOnlyTheCheckpointBlockAndTheFullBlocksAfterIt()
    {
        using var dir = new TempDirectory();
        await BuildAsync(dir.Path, 215);
        var recorder = new ListingRecorder(new LocalFolderObjectStore(dir.Path));
        var snapshot = await new DeltaLog(new TableLocation(recorder)).LoadAsync();

        Assert.Equal(215, snapshot.Version);
        Assert.Equal(215, snapshot.Files.Count);

        // _last_checkpoint says 210: block 200-299 only (it does not end full, so nothing after it).
        Assert.Equal(["_delta_log/000000000000000002"], recorder.Prefixes);
    }

    [Fact]
    public async Task ABlockThatEndsFullLeadsToListingTheNextBlock()
    {
        using var dir = new TempDirectory();
        await BuildAsync(dir.Path, 203);

        // Point the hint at checkpoint 190 so the load must cross from block 100-199 into 200-299.
        var store = new LocalFolderObjectStore(dir.Path);
        var location = new TableLocation(store);
        await store.DeleteAsync(location.CheckpointPath(200));
        await store.PutAsync(location.LastCheckpointPath, new LastCheckpoint(190, 0, null, null, null).ToJson());
        var recorder = new ListingRecorder(store);
        var snapshot = await new DeltaLog(new TableLocation(recorder)).LoadAsync();

        Assert.Equal(203, snapshot.Version);
        Assert.Equal(203, snapshot.Files.Count);
        Assert.Equal(["_delta_log/000000000000000001", "_delta_log/000000000000000002"], recorder.Prefixes);
    }

    [Fact]
    public async Task AMissingOrStaleLastCheckpointFallsBackToTheFullListing()
    {
        using var dir = new TempDirectory();
        await BuildAsync(dir.Path, 25);
        var store = new LocalFolderObjectStore(dir.Path);
        var location = new TableLocation(store);

        // Stale: the hint names a checkpoint that is gone.
        await store.PutAsync(location.LastCheckpointPath, new LastCheckpoint(30, 0, null, null, null).ToJson());
        var recorder = new ListingRecorder(store);
        var stale = await new DeltaLog(new TableLocation(recorder)).LoadAsync();
        Assert.Equal(25, stale.Version);
        Assert.Equal(25, stale.Files.Count);
        Assert.Contains("_delta_log/", recorder.Prefixes);

        // Missing: no hint at all.
        await store.DeleteAsync(location.LastCheckpointPath);
        recorder.Prefixes.Clear();
        var missing = await new DeltaLog(new TableLocation(recorder)).LoadAsync();
        Assert.Equal(25, missing.Version);
        Assert.Equal(["_delta_log/"], recorder.Prefixes);
    }

    [Fact]
    public async Task LoadingAVersionBeforeTheLastCheckpointStillWorks()
    {
        using var dir = new TempDirectory();
        await BuildAsync(dir.Path, 25);
        var snapshot = await new DeltaLog(new TableLocation(new LocalFolderObjectStore(dir.Path))).LoadAsync(5);
        Assert.Equal(5, snapshot.Version);
        Assert.Equal(5, snapshot.Files.Count);
    }

    [Fact]
    public async Task HistoryGivesEachVersionsOperationMetricsAndTxn()
    {
        using var dir = new TempDirectory();
        var table = await DeltaTable.CreateAsync(new TableLocation(new LocalFolderObjectStore(dir.Path)), KeyOnly);
        await table.CommitAsync(table.BeginTransaction().WithOperation("WRITE").Add(Add(1)).SetAppTransaction("cdc-0", 7).SetMetric("numSourceRows", 42));
        await table.CommitAsync(table.BeginTransaction().WithOperation("DELETE").Remove(table.Snapshot.Files.Single()));

        var history = await table.Log.GetHistoryAsync();
        Assert.Equal([0L, 1L, 2L], history.Select(h => h.Version));
        Assert.Equal(["CREATE TABLE", "WRITE", "DELETE"], history.Select(h => h.Operation));
        Assert.True(history[0].ChangesProtocol && history[0].ChangesMetadata);
        Assert.Equal("42", history[1].OperationMetrics["numSourceRows"]);
        Assert.Equal(1, history[1].FilesAdded);
        Assert.Equal(("cdc-0", 7L), (history[1].AppTransactions.Single().AppId, history[1].AppTransactions.Single().Version));
        Assert.Equal(1, history[2].FilesRemoved);

        var lastTwo = await table.Log.GetHistoryAsync(limit: 2);
        Assert.Equal([1L, 2L], lastTwo.Select(h => h.Version));
    }
}
