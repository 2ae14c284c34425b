using Serverless.Delta.Actions;
using Serverless.Delta.DataFiles;
using Serverless.Delta.DeletionVectors;
using Serverless.Delta.Log;
using Serverless.Delta.Scanning;
using Serverless.Delta.Schema;
using Serverless.Delta.Transactions;
using Serverless.Storage.AzureStorage;
using Serverless.Testing;

namespace Serverless.Delta.IntegrationTests;

/// <summary>Delta tables on Blob storage (Azurite): conditional-create commits, ranged reads, DV files.</summary>
public sealed class AzuriteTableTests
{
    private static async Task<(AzureBlobObjectStore Store, Func<Task> Cleanup)> ContainerAsync()
    {
        await LocalDependencies.EnsureAzuriteAsync();
        var account = LocalDependencies.AzuriteAccount;
        var container = new Uri(LocalDependencies.AzuriteBlobEndpoint + "/delta-" + Guid.NewGuid().ToString("N")[..12]);
        var store = AzureBlobObjectStore.WithAccountKey(container, account.Name, account.Key);
        await store.CreateContainerAsync();
        return (store, async () => await store.DeleteContainerAsync());
    }

    private static TableDefinition KeyValue() =>
        new([new StructField("id", PrimitiveType.Long, false), new StructField("value", PrimitiveType.String)]);

    [Fact]
    public async Task EightConcurrentWritersOnBlobStorageEachLandFiftyCommitsExactlyOnce()
    {
        var (store, cleanup) = await ContainerAsync();
        try
        {
            var location = new TableLocation(store, "tables/t1");
            await DeltaTable.CreateAsync(location, KeyValue());
            const int writers = 8;
            const int commits = 50;
            var outcomes = new List<CommitResult>[writers];
            await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                var table = await DeltaTable.OpenAsync(location, options: new CommitOptions { MaxAttempts = 1000, CheckpointInterval = 10 });
                outcomes[w] = [];
                for (var i = 1; i <= commits; i++)
                {
                    var add = new AddFile($"w{w}-{i}.parquet", new Dictionary<string, string?>(), 10, 0, true, "{\"numRecords\":1}");
                    outcomes[w].Add(await table.CommitAsync(table.BeginTransaction().SetAppTransaction($"writer-{w}", i).Add(add)));
                }
            })));

            var versions = outcomes.SelectMany(o => o).Select(o => o.Version).Order().ToList();
            Assert.Equal(Enumerable.Range(1, writers * commits).Select(v => (long)v), versions);
            var snapshot = await new DeltaLog(location).LoadAsync();
            Assert.Equal(writers * commits, snapshot.Version);
            Assert.Equal(writers * commits, snapshot.Files.Count);
            Assert.All(Enumerable.Range(0, writers), w => Assert.Equal(commits, snapshot.GetAppTransactionVersion($"writer-{w}")));
            Assert.NotNull(await new DeltaLog(location).ReadLastCheckpointAsync());
        }
        finally
        {
            await cleanup();
        }
    }

    [Fact]
    public async Task TableOnBlobStorageRoundTripsRowsWithADeletionVectorFile()
    {
        var (store, cleanup) = await ContainerAsync();
        try
        {
            var location = new TableLocation(store, "t2");
            var table = await DeltaTable.CreateAsync(location, KeyValue());
            var add = await new DataFileWriter(table.Snapshot).WriteAsync(Enumerable.Range(0, 20).Select(i => new object?[] { (long)i, "v" + i }));
            await table.CommitAsync(table.BeginTransaction().Add(add));
            var dv = await DeletionVectorStore.WriteFileAsync(location, [RoaringBitmapArray.Of([0, 19])]);
            await table.CommitAsync(table.BeginTransaction("DELETE").UpdateDeletionVector(table.Snapshot.Files.Single(), dv[0]));

            var ids = new List<long>();
            await foreach (var row in new DeltaScan(await new DeltaLog(location).LoadAsync()).Select("id").ReadRowsAsync())
            {
                ids.Add((long)row[0]!);
            }

            Assert.Equal(Enumerable.Range(1, 18).Select(i => (long)i), ids.Order());

            var replay = await table.CommitAsync(table.BeginTransaction().SetAppTransaction("a", 1).Add(add with { Path = "other.parquet" }));
            var again = await table.CommitAsync(table.BeginTransaction().SetAppTransaction("a", 1).Add(add with { Path = "other2.parquet" }));
            Assert.Equal(CommitOutcome.Committed, replay.Outcome);
            Assert.Equal(CommitOutcome.AlreadyCommitted, again.Outcome);
        }
        finally
        {
            await cleanup();
        }
    }
}
