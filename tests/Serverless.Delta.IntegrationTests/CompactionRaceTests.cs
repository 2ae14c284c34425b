using System.Globalization;
using System.Text.Json;
using Serverless.Delta.Actions;
using Serverless.Delta.Compaction;
using Serverless.Delta.Log;
using Serverless.Delta.Merge;
using Serverless.Delta.Scanning;
using Serverless.Delta.Schema;
using Serverless.Delta.Transactions;
using Serverless.Storage;
using Serverless.Storage.AzureStorage;
using Serverless.Storage.Local;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.Delta.IntegrationTests;

/// <summary>
/// Merge writers (upserts and deletes on a hot key set, merge-on-read with deletion vectors) and the compactor run at
/// the same time on one table, each on its own table instance as separate processes would, for a fixed number of
/// rounds. Whatever the interleaving, the table must end equal to the model of the writers' changes with every writer
/// batch committed exactly once: no lost update, no resurrected delete, no key live twice.
/// </summary>
public sealed class CompactionRaceTests(ITestOutputHelper output)
{
    private const int Writers = 2;
    private const int HotKeys = 240;
    private const int ChangesPerBatch = 24;

    private static readonly MergeOptions Keyed = new(["id"], "_cdc_position");

    private static readonly CompactionOptions Eager = new()
    {
        MinInputFiles = 2,
        DeletedRowRatioThreshold = 0.02,
        CheckpointInterval = 10,
        MaxConflictRetries = 3,
    };

    private static TableDefinition HotTable() => new(
    [
        new StructField("id", PrimitiveType.Long, false),
        new StructField("name", PrimitiveType.String),
        new StructField("_cdc_position", PrimitiveType.Long, false),
    ]);

    [Theory]
    [InlineData("local", 40)]
    [InlineData("azurite", 8)]
    public async Task WritersAndTheCompactorRacingOnAHotTableLoseNoCommit(string storeKind, int rounds)
    {
        var (store, root, cleanup) = await StoreAsync(storeKind);
        try
        {
            var location = new TableLocation(store, "hot");
            await DeltaTable.CreateAsync(location, HotTable());
            var writerOptions = new CommitOptions { CheckpointInterval = 0 };
            var models = new Dictionary<long, (bool Deleted, string Name, long Position)>[Writers];
            var redone = 0;
            using var batchesCommitted = new SemaphoreSlim(0);

            var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                var table = await DeltaTable.OpenAsync(location, options: writerOptions);
                var writer = new MergeWriter(table, Keyed);
                var random = new Random(1000 + w);
                var model = models[w] = [];
                for (var round = 1; round <= rounds; round++)
                {
                    var batch = new List<RowChange>(ChangesPerBatch);
                    for (var i = 0; i < ChangesPerBatch; i++)
                    {
                        // Writer w owns the keys k with k % Writers == w, as hash-spread partitions of one table do.
                        var id = (random.Next(HotKeys / Writers) * Writers) + w;
                        var position = (round * 1000L) + i;
                        var delete = random.Next(10) < 3;
                        var name = $"w{w}-r{round}-{i}";
                        batch.Add(delete ? RowChange.Delete([id, null, position]) : RowChange.Upsert([id, name, position]));
                        model[id] = (delete, name, position);
                    }

                    var result = await writer.MergeAsync(batch, $"partition-{w}", round);
                    Assert.Equal(CommitOutcome.Committed, result.Commit.Outcome);
                    Interlocked.Add(ref redone, result.Commit.Retries);
                    batchesCommitted.Release();
                }
            })).ToList();

            var compactions = new List<CompactionResult>();
            var compactor = Task.Run(async () =>
            {
                var table = await DeltaTable.OpenAsync(location);
                var compactor = new TableCompactor(Eager);

                // One run per writer batch committed (batches that landed during a run are taken together), while the
                // writers go on: bounded by the number of batches, not by time.
                for (var seen = 0; seen < Writers * rounds;)
                {
                    await batchesCommitted.WaitAsync();
                    seen++;
                    while (batchesCommitted.Wait(0))
                    {
                        seen++;
                    }

                    compactions.Add(await compactor.CompactAsync(table));
                }
            });

            await Task.WhenAll([.. writers, compactor]);

            // A last run with the writers stopped purges every deletion vector left.
            var final = await DeltaTable.OpenAsync(location);
            compactions.Add(await new TableCompactor(Eager with { DeletedRowRatioThreshold = 1e-9 }).CompactAsync(final));

            var expected = new SortedDictionary<long, string>();
            foreach (var model in models)
            {
                foreach (var (id, state) in model.Where(kv => !kv.Value.Deleted))
                {
                    expected[id] = $"{state.Name}|{state.Position}";
                }
            }

            var fresh = await new DeltaLog(location).LoadAsync();
            Assert.Equal(expected, await RowsAsync(fresh));
            Assert.All(Enumerable.Range(0, Writers), w => Assert.Equal(rounds, fresh.GetAppTransactionVersion($"partition-{w}")));

            // Every writer batch is in the log exactly once.
            var batches = new List<(string AppId, long Version)>();
            for (var v = 1; v <= fresh.Version; v++)
            {
                batches.AddRange((await final.Log.ReadCommitAsync(v)).OfType<TransactionAction>().Select(t => (t.AppId, t.Version)));
            }

            Assert.Equal(
                Enumerable.Range(0, Writers).SelectMany(w => Enumerable.Range(1, rounds).Select(r => ($"partition-{w}", (long)r))).Order(),
                batches.Order());
            Assert.All(fresh.Files, f => Assert.Null(f.DeletionVector));

            if (root is not null)
            {
                // DuckDB reads the live files (no deletion vectors left) to the same rows.
                Assert.Equal(expected, await DuckDbRowsAsync(root, fresh));
            }

            var committed = compactions.Sum(c => c.Commits);
            var conflicts = compactions.Sum(c => c.Conflicts.Count);
            output.WriteLine($"{storeKind}: {fresh.Version} versions, {compactions.Count} compaction runs, {committed} compaction commits, {compactions.Sum(c => c.FilesRemoved)} files rewritten, {conflicts} compactor conflicts ({string.Join(", ", compactions.SelectMany(c => c.Conflicts).GroupBy(k => k).Select(g => $"{g.Key} x{g.Count()}"))}), {compactions.Sum(c => c.LostRaces)} compactor rebases, {compactions.Sum(c => c.RowsCarried)} deleted rows carried, {compactions.Sum(c => c.BinsAbandoned)} bins abandoned, {redone} writer retries, {fresh.Files.Count} files at the end");
            Assert.True(committed > 0, "the compactor committed at least once (the final run at the latest)");
        }
        finally
        {
            await cleanup();
        }
    }

    private static async Task<SortedDictionary<long, string>> RowsAsync(Snapshot snapshot)
    {
        var rows = new SortedDictionary<long, string>();
        await foreach (var row in new DeltaScan(snapshot).Select("id", "name", "_cdc_position").ReadRowsAsync())
        {
            Assert.True(rows.TryAdd((long)row[0]!, $"{row[1]}|{row[2]}"), $"key {row[0]} is live twice");
        }

        return rows;
    }

    private static async Task<SortedDictionary<long, string>> DuckDbRowsAsync(string root, Snapshot snapshot)
    {
        string Physical(string name) => snapshot.Schema.FindField(name)!.PhysicalName;
        var files = "[" + string.Join(", ", snapshot.Files.Select(f => DuckDb.Literal(Path.Combine(root, "hot", DeltaPath.Decode(f.Path))))) + "]";
        var result = await DuckDb.QueryAsync($"SELECT CAST(\"{Physical("id")}\" AS VARCHAR), \"{Physical("name")}\", CAST(\"{Physical("_cdc_position")}\" AS VARCHAR) FROM read_parquet({files})");
        var rows = new SortedDictionary<long, string>();
        foreach (var r in result.Rows)
        {
            var id = long.Parse(r[0].GetString()!, CultureInfo.InvariantCulture);
            Assert.True(rows.TryAdd(id, $"{(r[1].ValueKind == JsonValueKind.Null ? string.Empty : r[1].GetString())}|{r[2].GetString()}"), $"DuckDB sees key {id} twice");
        }

        return rows;
    }

    private static async Task<(IObjectStore Store, string? LocalRoot, Func<Task> Cleanup)> StoreAsync(string kind)
    {
        if (kind == "local")
        {
            var dir = new TempDirectory("compaction-race");
            return (new LocalFolderObjectStore(dir.Path), dir.Path, () =>
            {
                dir.Dispose();
                return Task.CompletedTask;
            });
        }

        await LocalDependencies.EnsureAzuriteAsync();
        var account = LocalDependencies.AzuriteAccount;
        var container = new Uri(LocalDependencies.AzuriteBlobEndpoint + "/compaction-race-" + Guid.NewGuid().ToString("N")[..12]);
        var store = AzureBlobObjectStore.WithAccountKey(container, account.Name, account.Key);
        await store.CreateContainerAsync();
        return (store, null, async () => await store.DeleteContainerAsync());
    }
}
