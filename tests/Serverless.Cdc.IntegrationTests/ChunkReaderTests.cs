using System.Globalization;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Schema;
using Serverless.Cdc.Snapshot;
using Serverless.MySql.Replication;
using Serverless.Parquet;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Cdc.IntegrationTests;

public sealed class ChunkReaderTests : IAsyncLifetime
{
    private SourceDatabase db = null!;

    public async Task InitializeAsync()
    {
        db = await SourceDatabase.CreateAsync("cdc_it_reader");
        await db.Admin.ExecuteAsync("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, price DECIMAL(12,2), payload VARBINARY(200))");
        await db.Admin.ExecuteAsync("INSERT INTO items SELECT seq, CONCAT('item-', seq), seq / 100, RANDOM_BYTES(1 + seq % 150) FROM seq_1_to_30000");
        await db.Admin.ExecuteAsync("ANALYZE TABLE items");
    }

    public async Task DisposeAsync() => await db.DisposeAsync();

    private static long Long(System.Text.Json.JsonElement e) =>
        e.ValueKind == System.Text.Json.JsonValueKind.Number ? e.GetInt64() : long.Parse(e.GetString()!, CultureInfo.InvariantCulture);

    [Fact]
    public async Task ChunksRollFilesAtTargetSizeAndTogetherHoldEveryRowOnce()
    {
        var selection = new TableSelection { Include = [TablePattern.TryParse(db.Name + ".items", out _)!] };
        var table = Assert.Single(await SchemaDiscovery.DiscoverAsync(db.Admin, selection));
        var mapping = TypeMapper.Map(table, softDelete: true);
        var chunks = await new ChunkPlanner().PlanAsync(db.Admin, table, 10_000);
        using var lake = new TempDirectory("cdc-it-reader");
        var store = new LocalFolderObjectStore(lake.Path);
        var reader = new ChunkReader(SourceDatabase.AdminOptions(), store, new ChunkReaderOptions { TargetFileBytes = 256 * 1024, RowGroupBytes = 64 * 1024, BatchRows = 1000 });
        var master = await db.Admin.QueryTextRowsAsync("SHOW MASTER STATUS");
        var before = new BinlogPosition(master[0][0]!, long.Parse(master[0][1]!, CultureInfo.InvariantCulture));

        var results = new List<ChunkReadResult>();
        foreach (var chunk in chunks)
        {
            results.Add(await reader.ReadAsync(chunk, mapping, "items"));
        }

        Assert.True(chunks.Count >= 2);
        Assert.Equal(30_000, results.Sum(r => r.Rows));
        Assert.Equal(results.Sum(r => r.Rows), results.SelectMany(r => r.Files).Sum(f => f.Rows));
        Assert.Contains(results, r => r.Files.Count > 1);
        Assert.All(results.SelectMany(r => r.Files), f =>
        {
            Assert.StartsWith("items/part-", f.Path, StringComparison.Ordinal);
            Assert.Equal(new FileInfo(Path.Combine(lake.Path, f.Path)).Length, f.SizeBytes);
            Assert.True(f.SizeBytes < 2 * 256 * 1024, $"{f.Path} is {f.SizeBytes} bytes");
        });

        // Lc: exact position of an idle server's read view, never before what SHOW MASTER STATUS said before the reads.
        Assert.All(results, r => Assert.True(BinlogPosition.Parse(r.Position) >= before, $"{r.Position} < {before}"));

        var glob = DuckDb.Literal(Path.Combine(lake.Path, "items", "*.parquet"));
        var check = await DuckDb.QueryAsync(
            $"SELECT COUNT(*), COUNT(DISTINCT id), MIN(id), MAX(id), CAST(SUM(price) AS VARCHAR), SUM(CASE WHEN _cdc_deleted THEN 1 ELSE 0 END) FROM read_parquet({glob})");
        var row = Assert.Single(check.Rows);
        Assert.Equal(30_000, Long(row[0]));
        Assert.Equal(30_000, Long(row[1]));
        Assert.Equal(1, Long(row[2]));
        Assert.Equal(30_000, Long(row[3]));
        Assert.Equal(await db.Admin.QueryScalarAsync("SELECT SUM(price) FROM items"), row[4].GetString());
        Assert.Equal(0, Long(row[5]));

        // Every row carries its chunk's position and read-view time (the chunk reader appends them once per batch).
        foreach (var r in results)
        {
            var files = string.Join(", ", r.Files.Select(f => DuckDb.Literal(Path.Combine(lake.Path, f.Path))));
            var cdc = Assert.Single((await DuckDb.QueryAsync(
                $"SELECT COUNT(*), CAST(MIN(_cdc_position) AS VARCHAR), CAST(MAX(_cdc_position) AS VARCHAR), CAST(epoch_us(MIN(_cdc_ts)) AS VARCHAR), CAST(epoch_us(MAX(_cdc_ts)) AS VARCHAR) FROM read_parquet([{files}])")).Rows);
            Assert.Equal(r.Rows, Long(cdc[0]));
            Assert.Equal((r.PositionSortKey, r.PositionSortKey), (cdc[1].GetString(), cdc[2].GetString()));
            var micros = ParquetValues.ToUnixMicros(r.SnapshotTimeUtc).ToString(CultureInfo.InvariantCulture);
            Assert.Equal((micros, micros), (cdc[3].GetString(), cdc[4].GetString()));
        }

        // Payload bytes survive exactly.
        var lakeBytes = await DuckDb.QueryAsync($"SELECT hex(payload) FROM read_parquet({glob}) WHERE id IN (1, 777, 29999) ORDER BY id");
        var sourceBytes = await db.Admin.QueryTextRowsAsync("SELECT HEX(payload) FROM items WHERE id IN (1, 777, 29999) ORDER BY id");
        Assert.Equal(sourceBytes.Select(r => r[0]), lakeBytes.Rows.Select(r => r[0].GetString()));
        var lakeLength = await DuckDb.QueryAsync($"SELECT CAST(SUM(octet_length(payload)) AS VARCHAR) FROM read_parquet({glob})");
        Assert.Equal(await db.Admin.QueryScalarAsync("SELECT SUM(LENGTH(payload)) FROM items"), lakeLength.Rows[0][0].GetString());
    }

    [Fact]
    public async Task ChunkSeesRowsCommittedBeforeItsPositionAndNotAfter()
    {
        var selection = new TableSelection { Include = [TablePattern.TryParse(db.Name + ".items", out _)!] };
        var table = Assert.Single(await SchemaDiscovery.DiscoverAsync(db.Admin, selection));
        var mapping = TypeMapper.Map(table);
        var chunk = new SnapshotChunk
        {
            Database = table.Database,
            Table = table.Name,
            Index = 0,
            Count = 1,
            KeyColumns = table.KeyColumns,
            Lower = [new KeyValue(KeyValueKind.Number, "40000")],
        };
        using var lake = new TempDirectory("cdc-it-lc");
        var store = new LocalFolderObjectStore(lake.Path);
        await db.Admin.ExecuteAsync("INSERT INTO items VALUES (40001, 'before', 1, NULL)");
        var afterInsert = await db.Admin.QueryTextRowsAsync("SHOW MASTER STATUS");
        var committed = new BinlogPosition(afterInsert[0][0]!, long.Parse(afterInsert[0][1]!, CultureInfo.InvariantCulture));

        var result = await new ChunkReader(SourceDatabase.AdminOptions(), store).ReadAsync(chunk, mapping, "lc");
        await db.Admin.ExecuteAsync("INSERT INTO items VALUES (40002, 'after', 1, NULL)");

        Assert.Equal(1, result.Rows);
        Assert.True(BinlogPosition.Parse(result.Position) >= committed, $"Lc {result.Position} is below the committed insert's end {committed}");
        await db.Admin.ExecuteAsync("DELETE FROM items WHERE id > 30000");
    }
}
