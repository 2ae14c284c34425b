using FsCheck;
using FsCheck.Fluent;
using Serverless.Delta.Merge;
using Serverless.Delta.Scanning;
using Serverless.Delta.Schema;
using Serverless.Delta.Transactions;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Delta.Tests;

/// <summary>The library merge writer against a simple in-memory model of DESIGN.md's merge rule.</summary>
public sealed class MergeWriterTests
{
    private static readonly MergeOptions Keyed = new(["id"], "_cdc_position");

    private static TableDefinition Definition(TableProtocolMode mode) => new(
    [
        new StructField("id", PrimitiveType.Long, false),
        new StructField("v", PrimitiveType.Integer),
        new StructField("_cdc_position", PrimitiveType.Long, false),
    ])
    { Mode = mode };

    private static RowChange Upsert(long id, int v, long position) => RowChange.Upsert([id, v, position]);

    private static RowChange Delete(long id, long position) => RowChange.Delete([id, null, position]);

    private static async Task<SortedDictionary<long, (int V, long Position)>> ReadAsync(DeltaTable table)
    {
        var rows = new SortedDictionary<long, (int, long)>();
        await foreach (var row in new DeltaScan(table.Snapshot).Select("id", "v", "_cdc_position").ReadRowsAsync())
        {
            Assert.True(rows.TryAdd((long)row[0]!, ((int)row[1]!, (long)row[2]!)), $"key {row[0]} is live twice");
        }

        return rows;
    }

    /// <summary>The merge rule as a model: per key, the change with the highest position decides (a delete means absent).</summary>
    private static SortedDictionary<long, (int V, long Position)> Model(IEnumerable<(long Id, bool Delete, int V, long Position)> ops)
    {
        var latest = new Dictionary<long, (bool Delete, int V, long Position)>();
        foreach (var op in ops)
        {
            if (!latest.TryGetValue(op.Id, out var cur) || op.Position > cur.Position)
            {
                latest[op.Id] = (op.Delete, op.V, op.Position);
            }
        }

        var result = new SortedDictionary<long, (int, long)>();
        foreach (var (id, s) in latest)
        {
            if (!s.Delete)
            {
                result[id] = (s.V, s.Position);
            }
        }

        return result;
    }

    private static void RandomSequencesInRandomBatchesEqualTheModel(TableProtocolMode mode)
    {
        var config = Config.QuickThrowOnFailure.WithMaxTest(12);
        Check.One(config, Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var random = new Random(seed);
            var count = random.Next(1, 24);
            var positions = Enumerable.Range(1, count).Select(p => (long)p * 10).OrderBy(_ => random.Next()).ToArray();
            var ops = Enumerable.Range(0, count).Select(i => ((long)random.Next(0, 6), random.Next(4) == 0, random.Next(1000), positions[i])).ToList();
            var splits = new List<int> { 0 };
            for (var i = 1; i < count; i++)
            {
                if (random.Next(3) == 0)
                {
                    splits.Add(i);
                }
            }

            splits.Add(count);
            return Task.Run(async () =>
            {
                using var dir = new TempDirectory();
                var table = await DeltaTable.CreateAsync(new TableLocation(new LocalFolderObjectStore(dir.Path)), Definition(mode));
                var writer = new MergeWriter(table, Keyed);
                for (var b = 0; b + 1 < splits.Count; b++)
                {
                    var batch = ops.Skip(splits[b]).Take(splits[b + 1] - splits[b]).Select(o => o.Item2 ? Delete(o.Item1, o.Item4) : Upsert(o.Item1, o.Item3, o.Item4)).ToList();
                    await writer.MergeAsync(batch, "cdc-0", b + 1);
                }

                var actual = await ReadAsync(table);
                var expected = Model(ops);
                return actual.SequenceEqual(expected);
            }).GetAwaiter().GetResult();
        }));
    }

    [Fact]
    public void RandomUpsertsAndDeletesOutOfOrderInRandomBatchesEqualTheModelMergeOnRead() =>
        RandomSequencesInRandomBatchesEqualTheModel(TableProtocolMode.Default);

    [Fact]
    public void RandomUpsertsAndDeletesOutOfOrderInRandomBatchesEqualTheModelCopyOnWrite() =>
        RandomSequencesInRandomBatchesEqualTheModel(TableProtocolMode.CopyOnWrite);

    [Fact]
    public async Task ReplayOfACommittedBatchIsANoOpEvenFromAStaleTable()
    {
        using var dir = new TempDirectory();
        var location = new TableLocation(new LocalFolderObjectStore(dir.Path));
        var table = await DeltaTable.CreateAsync(location, Definition(TableProtocolMode.Default));
        var stale = await DeltaTable.OpenAsync(new TableLocation(new LocalFolderObjectStore(dir.Path)));
        await new MergeWriter(table, Keyed).MergeAsync([Upsert(1, 1, 10), Upsert(2, 2, 20)], "cdc-0", 1);
        await new MergeWriter(table, Keyed).MergeAsync([Upsert(1, 5, 30)], "cdc-0", 2);
        var version = table.Snapshot.Version;

        var again = await new MergeWriter(table, Keyed).MergeAsync([Upsert(1, 1, 10), Upsert(2, 2, 20)], "cdc-0", 1);
        Assert.Equal(CommitOutcome.AlreadyCommitted, again.Commit.Outcome);

        // The stale instance does not know batch 1 is in: the commit pipeline finds it after losing the race.
        var fromStale = await new MergeWriter(stale, Keyed).MergeAsync([Upsert(1, 99, 40), Upsert(2, 99, 40)], "cdc-0", 1);
        Assert.Equal(CommitOutcome.AlreadyCommitted, fromStale.Commit.Outcome);

        await table.RefreshAsync();
        Assert.Equal(version, table.Snapshot.Version);
        Assert.Equal([(1L, (5, 30L)), (2L, (2, 20L))], (await ReadAsync(table)).Select(kv => (kv.Key, kv.Value)));
    }

    [Fact]
    public async Task ALateOlderSnapshotRowAfterADeleteDoesNotResurrectTheKey()
    {
        using var dir = new TempDirectory();
        var table = await DeltaTable.CreateAsync(new TableLocation(new LocalFolderObjectStore(dir.Path)), Definition(TableProtocolMode.Default));
        var writer = new MergeWriter(table, Keyed);
        await writer.MergeAsync([Upsert(1, 1, 100), Upsert(2, 2, 100)], "binlog", 1);
        var deleted = await writer.MergeAsync([Delete(1, 200), Delete(3, 210)], "binlog", 2);
        Assert.Equal(1, deleted.RowsDeleted);
        Assert.Equal(2, deleted.Tombstones);

        // The snapshot chunk read before the deletes arrives now, with its older position.
        var late = await writer.MergeAsync([Upsert(1, 11, 50), Upsert(2, 22, 50), Upsert(3, 33, 50), Upsert(4, 44, 50)], "snapshot", 1);
        Assert.Equal(3, late.ChangesDropped);
        Assert.Equal([(2L, (2, 100L)), (4L, (44, 50L))], (await ReadAsync(table)).Select(kv => (kv.Key, kv.Value)));

        // A fresh reader of the log sees the same tombstones; once the snapshot is complete they are dropped.
        var reopened = await DeltaTable.OpenAsync(new TableLocation(new LocalFolderObjectStore(dir.Path)));
        Assert.True(reopened.Snapshot.DomainMetadata.ContainsKey("serverless.merge.tombstones"));
        var done = await new MergeWriter(reopened, Keyed with { KeepTombstones = false }).MergeAsync([Upsert(5, 5, 300)], "binlog", 3);
        Assert.Equal(0, done.Tombstones);
        Assert.False(reopened.Snapshot.DomainMetadata.ContainsKey("serverless.merge.tombstones"));
    }

    [Fact]
    public async Task MergeOnReadMarksDeletionVectorsAndCopyOnWriteRewritesFiles()
    {
        using var dir = new TempDirectory();
        var mor = await DeltaTable.CreateAsync(new TableLocation(new LocalFolderObjectStore(Path.Combine(dir.Path, "mor"))), Definition(TableProtocolMode.Default));
        var cow = await DeltaTable.CreateAsync(new TableLocation(new LocalFolderObjectStore(Path.Combine(dir.Path, "cow"))), Definition(TableProtocolMode.CopyOnWrite));
        foreach (var table in new[] { mor, cow })
        {
            var writer = new MergeWriter(table, Keyed with { KeepTombstones = false });
            await writer.MergeAsync(Enumerable.Range(0, 100).Select(i => Upsert(i, i, 1)).ToList(), "w", 1);
            var result = await writer.MergeAsync([Upsert(7, 700, 2), Delete(8, 2)], "w", 2);
            Assert.Equal((1L, 2L, 1), (result.RowsWritten, result.RowsDeleted, result.FilesTouched));
            // The index of the candidate file stays cached while the file lives; copy-on-write rewrote it, so it is dropped.
            Assert.Equal(table == mor ? 1 : 0, writer.CachedFiles);
            var rows = await ReadAsync(table);
            Assert.Equal(99, rows.Count);
            Assert.Equal((700, 2L), rows[7]);
        }

        Assert.Single(mor.Snapshot.Files, f => f.DeletionVector is { Cardinality: 2 });
        Assert.All(cow.Snapshot.Files, f => Assert.Null(f.DeletionVector));
        Assert.Equal(2, cow.Snapshot.Files.Count);
    }

    [Fact]
    public async Task AMergeIndexesOnlyTheFilesWhoseKeyRangeHoldsOneOfItsKeys()
    {
        using var dir = new TempDirectory();
        var table = await DeltaTable.CreateAsync(new TableLocation(new LocalFolderObjectStore(dir.Path)), Definition(TableProtocolMode.Default));
        var loader = new MergeWriter(table, Keyed with { KeepTombstones = false });
        for (var f = 0; f < 3; f++)
        {
            await loader.MergeAsync(Enumerable.Range(f * 100, 100).Select(i => Upsert(i, i, 1)).ToList(), "load", f + 1);
        }

        // Keys at both ends of the table (a delete of an old key, an update, an insert of a new one): the middle file holds none.
        var writer = new MergeWriter(table, Keyed with { KeepTombstones = false });
        var result = await writer.MergeAsync([Delete(5, 2), Upsert(250, 2500, 2), Upsert(1000, 1, 2)], "w", 1);

        Assert.Equal(2, writer.CachedFiles);
        Assert.Equal((2L, 2L, 2), (result.RowsWritten, result.RowsDeleted, result.FilesTouched));
        var rows = await ReadAsync(table);
        Assert.Equal(300, rows.Count);
        Assert.False(rows.ContainsKey(5));
        Assert.Equal((2500, 2L), rows[250]);
        Assert.Equal((1, 2L), rows[1000]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ConcurrentMergesFromTwoWritersLoseNothing(bool overlappingKeys)
    {
        using var dir = new TempDirectory();
        await DeltaTable.CreateAsync(new TableLocation(new LocalFolderObjectStore(dir.Path)), Definition(TableProtocolMode.Default));
        var ops = new List<(long Id, bool Delete, int V, long Position)>[2];
        var random = new Random(7);
        for (var w = 0; w < 2; w++)
        {
            ops[w] = [];
            for (var i = 0; i < 60; i++)
            {
                var id = overlappingKeys ? random.Next(0, 20) : (w * 100) + random.Next(0, 20);
                ops[w].Add((id, random.Next(5) == 0, random.Next(1000), (i * 2) + w + 1));
            }
        }

        var writers = await Task.WhenAll(Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
        {
            var table = await DeltaTable.OpenAsync(new TableLocation(new LocalFolderObjectStore(dir.Path)));
            var writer = new MergeWriter(table, Keyed);
            for (var b = 0; b < 6; b++)
            {
                var batch = ops[w].Skip(b * 10).Take(10).Select(o => o.Delete ? Delete(o.Id, o.Position) : Upsert(o.Id, o.V, o.Position)).ToList();
                await writer.MergeAsync(batch, $"writer-{w}", b + 1);
            }

            return table;
        })));

        var final = await DeltaTable.OpenAsync(new TableLocation(new LocalFolderObjectStore(dir.Path)));
        Assert.Equal(6, final.Snapshot.GetAppTransactionVersion("writer-0"));
        Assert.Equal(6, final.Snapshot.GetAppTransactionVersion("writer-1"));
        Assert.Equal(Model(ops[0].Concat(ops[1])), await ReadAsync(final));
        GC.KeepAlive(writers);
    }
}
