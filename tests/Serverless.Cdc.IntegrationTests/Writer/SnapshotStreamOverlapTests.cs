using System.Globalization;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Schema;
using Serverless.Cdc.Snapshot;
using Serverless.Cdc.Writer;
using Serverless.Delta;
using Serverless.Delta.Actions;

namespace Serverless.Cdc.IntegrationTests.Writer;

/// <summary>
/// Snapshot and stream overlap: the stream starts at P0, before the chunk's read view, so it holds changes the chunk
/// already has and changes after it. Whether the writer meets the table's changes before its chunk is committed (they
/// are held until the snapshot is marked complete) or after, the lake ends equal to the source.
/// </summary>
public sealed class SnapshotStreamOverlapTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StreamAndSnapshotInEitherOrderEndEqualToTheSource(bool snapshotCommitsFirst)
    {
        await using var db = await SourceDatabase.CreateAsync(snapshotCommitsFirst ? "cdc_it_woverlap1" : "cdc_it_woverlap2");
        await db.Admin.ExecuteAsync("CREATE TABLE orders (id INT PRIMARY KEY, name VARCHAR(50), amount DECIMAL(10,2))");
        await db.Admin.ExecuteAsync(
            "INSERT INTO orders VALUES " + string.Join(", ", Enumerable.Range(1, 20).Select(i => string.Create(CultureInfo.InvariantCulture, $"({i}, 'row {i}', {i}.25)"))));
        var p0 = await BinlogChanges.CurrentPositionAsync(db);

        // Before the chunk's read view: the chunk has these already.
        await db.Admin.ExecuteAsync("UPDATE orders SET name = 'one' WHERE id = 1");
        await db.Admin.ExecuteAsync("DELETE FROM orders WHERE id = 2");
        await db.Admin.ExecuteAsync("INSERT INTO orders VALUES (21, 'new', 21)");
        await db.Admin.ExecuteAsync("UPDATE orders SET amount = amount + 1 WHERE id = 3");
        await db.Admin.ExecuteAsync("UPDATE orders SET amount = amount + 1 WHERE id = 3");
        await db.Admin.ExecuteAsync("UPDATE orders SET id = 30 WHERE id = 6");

        var selection = new TableSelection { Include = [TablePattern.TryParse(db.Name + ".orders", out _)!] };
        var source = Assert.Single(await SchemaDiscovery.DiscoverAsync(db.Admin, selection));
        var mapping = TypeMapper.Map(source);
        using var lake = new WriterLake("writer-overlap");
        var table = await DeltaTable.CreateAsync(lake.Location("orders"), new TableDefinition(mapping.DeltaFields));
        var chunk = Assert.Single(await new ChunkPlanner().PlanAsync(db.Admin, source, 1000));
        var read = await new ChunkReader(SourceDatabase.AdminOptions(), lake.Store).ReadAsync(chunk, mapping.ForLakeTable(table.Snapshot.Schema.Fields, columnMapping: true), "shop_orders");

        // After it: the stream alone brings these.
        await db.Admin.ExecuteAsync("UPDATE orders SET name = 'one again' WHERE id = 1");
        await db.Admin.ExecuteAsync("DELETE FROM orders WHERE id = 21");
        await db.Admin.ExecuteAsync("INSERT INTO orders VALUES (22, 'newer', 22)");
        await db.Admin.ExecuteAsync("UPDATE orders SET amount = NULL WHERE id = 4");
        await db.Admin.ExecuteAsync("DELETE FROM orders WHERE id = 5");
        await db.Admin.ExecuteAsync("INSERT INTO orders VALUES (5, 'five again', 5)");
        await db.Admin.ExecuteAsync("UPDATE orders SET id = 2 WHERE id = 30");

        var changes = await BinlogChanges.ReadAsync(p0, [source], snapshotCommitsFirst ? 11u : 12u);
        await lake.PublishAsync(changes, perBatch: 4);
        using var writer = new PartitionWriter(lake.Log, 0, [new WriterTable(mapping, table)]);

        if (snapshotCommitsFirst)
        {
            await CommitChunkAsync(lake, read);
            await writer.DrainAsync();
        }
        else
        {
            await writer.DrainAsync();
            Assert.Empty(await lake.RowsAsync("orders"));
            Assert.Equal(0, lake.Hold("writer", 0)); // held for the snapshot
            await CommitChunkAsync(lake, read);
            await writer.DrainAsync();
        }

        var expected = (await db.Admin.QueryTextRowsAsync("SELECT id, name, amount FROM orders"))
            .Select(r => string.Join("|", r.Select(v => v ?? "null")))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(20, expected.Count);
        Assert.Equal(expected, await lake.RowsAsync("orders"));
        Assert.Equal(changes.Count, lake.Hold("writer", 0));
    }

    /// <summary>What the snapshot's chunk commit and completion do (SnapshotCommitter, then CompleteTableSnapshot).</summary>
    private static async Task CommitChunkAsync(WriterLake lake, ChunkReadResult read)
    {
        var table = await lake.OpenAsync("orders");
        var tx = table.BeginTransaction("WRITE");
        foreach (var file in read.Files)
        {
            tx.Add(new AddFile(DeltaPath.Encode(file.Path["shop_orders/".Length..]), new Dictionary<string, string?>(), file.SizeBytes, 0, DataChange: true, Stats: file.DeltaStats));
        }

        await table.CommitAsync(tx.SetAppTransaction("snapshot", 1));
        await SnapshotCompletion.MarkAsync(table);
    }
}
