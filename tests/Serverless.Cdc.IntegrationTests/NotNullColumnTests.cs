using System.Text.Json;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Schema;
using Serverless.Cdc.Snapshot;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Cdc.IntegrationTests;

/// <summary>
/// NOT NULL source columns become REQUIRED Parquet columns that DuckDB reads; NOT NULL date-like columns, which hold zero
/// dates that map to null, stay OPTIONAL; a null arriving for a REQUIRED column is refused naming table, column and key.
/// </summary>
public sealed class NotNullColumnTests : IAsyncLifetime
{
    private SourceDatabase db = null!;

    public async Task InitializeAsync()
    {
        db = await SourceDatabase.CreateAsync("cdc_it_notnull");
        await db.Admin.ExecuteAsync(
            "CREATE TABLE strict_items (id INT NOT NULL PRIMARY KEY, qty INT NOT NULL, code VARCHAR(10) NOT NULL, amount DECIMAL(38,0) NOT NULL, " +
            "big BIGINT UNSIGNED NOT NULL, note VARCHAR(10) NULL, born DATE NOT NULL, seen DATETIME NOT NULL, stamp TIMESTAMP NOT NULL DEFAULT '2000-01-01 00:00:00')");
        await db.Admin.ExecuteAsync(
            "INSERT INTO strict_items VALUES " +
            "(1, 10, 'a', 99999999999999999999999999999999999999, 18446744073709551615, NULL, '2024-02-29', '2024-02-29 10:00:00', '2024-02-29 10:00:00'), " +
            "(2, -3, '', 0, 0, 'n', '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00')");
    }

    public async Task DisposeAsync() => await db.DisposeAsync();

    [Fact]
    public async Task NotNullColumnsAreRequiredInTheFileAndDuckDbReadsThemWhileZeroDateColumnsStayOptional()
    {
        var table = await DiscoverAsync();
        var mapping = TypeMapper.Map(table);
        var chunk = Assert.Single(await new ChunkPlanner().PlanAsync(db.Admin, table, 1000));
        using var lake = new TempDirectory("cdc-it-notnull");

        var result = await new ChunkReader(SourceDatabase.AdminOptions(), new LocalFolderObjectStore(lake.Path)).ReadAsync(chunk, mapping, "notnull_items");

        var path = DuckDb.Literal(Path.Combine(lake.Path, Assert.Single(result.Files).Path));
        var repetition = (await DuckDb.QueryAsync($"SELECT name, repetition_type FROM parquet_schema({path}) WHERE num_children IS NULL")).Rows
            .ToDictionary(r => r[0].GetString()!, r => r[1].GetString()!);
        Assert.Equal("REQUIRED", repetition["id"]);
        Assert.Equal("REQUIRED", repetition["qty"]);
        Assert.Equal("REQUIRED", repetition["code"]);
        Assert.Equal("REQUIRED", repetition["amount"]);
        Assert.Equal("REQUIRED", repetition["big"]);
        Assert.Equal("REQUIRED", repetition[CdcColumns.Position]);
        Assert.Equal("REQUIRED", repetition[CdcColumns.Timestamp]);
        Assert.Equal("OPTIONAL", repetition["note"]);
        Assert.Equal("OPTIONAL", repetition["born"]);
        Assert.Equal("OPTIONAL", repetition["seen"]);
        Assert.Equal("OPTIONAL", repetition["stamp"]);

        var rows = (await DuckDb.QueryAsync(
            "SELECT CAST(id AS VARCHAR), CAST(qty AS VARCHAR), code, CAST(amount AS VARCHAR), CAST(big AS VARCHAR), note, CAST(born AS VARCHAR), CAST(seen AS VARCHAR), " +
            $"CAST(_cdc_position AS VARCHAR) FROM read_parquet({path}) ORDER BY id")).Rows
            .Select(r => r.Select(v => v.ValueKind == JsonValueKind.Null ? null : v.GetString()).ToList())
            .ToList();
        Assert.Equal<string?>(["1", "10", "a", "99999999999999999999999999999999999999", "18446744073709551615", null, "2024-02-29", "2024-02-29 10:00:00", result.PositionSortKey], rows[0]);
        Assert.Equal<string?>(["2", "-3", string.Empty, "0", "0", "n", null, null, result.PositionSortKey], rows[1]);
    }

    [Fact]
    public async Task NullForANotNullLakeColumnIsRefusedNamingTableColumnAndKey()
    {
        // The mapping is taken while qty is NOT NULL; then the source relaxes it and a row holds NULL.
        var mapping = TypeMapper.Map(await DiscoverAsync());
        await db.Admin.ExecuteAsync("ALTER TABLE strict_items MODIFY qty INT NULL");
        await db.Admin.ExecuteAsync("UPDATE strict_items SET qty = NULL WHERE id = 2");
        var chunk = Assert.Single(await new ChunkPlanner().PlanAsync(db.Admin, mapping.Table, 1000));
        using var lake = new TempDirectory("cdc-it-notnull-guard");

        var e = await Assert.ThrowsAsync<NullInNotNullColumnException>(
            () => new ChunkReader(SourceDatabase.AdminOptions(), new LocalFolderObjectStore(lake.Path)).ReadAsync(chunk, mapping, "notnull_guard"));

        Assert.Contains($"{db.Name}.strict_items", e.Message, StringComparison.Ordinal);
        Assert.Contains("column 'qty'", e.Message, StringComparison.Ordinal);
        Assert.Contains("key id='2'", e.Message, StringComparison.Ordinal);
        Assert.Contains("run the job again", e.Message, StringComparison.Ordinal);
    }

    private async Task<SourceTable> DiscoverAsync()
    {
        var selection = new TableSelection { Include = [TablePattern.TryParse(db.Name + ".strict_items", out _)!] };
        return Assert.Single(await SchemaDiscovery.DiscoverAsync(db.Admin, selection));
    }
}
