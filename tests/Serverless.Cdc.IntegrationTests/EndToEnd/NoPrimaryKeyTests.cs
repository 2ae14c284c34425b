using System.Globalization;
using Serverless.Cdc.IntegrationTests.Capture;
using Serverless.Cdc.Transport.Embedded;
using Xunit.Abstractions;
using static Serverless.Cdc.IntegrationTests.EndToEnd.DuckDbLakeReader.Print;

namespace Serverless.Cdc.IntegrationTests.EndToEnd;

/// <summary>
/// A table with no primary key and no unique index, replicated by the job's key override on two columns: StartJob
/// snapshots it in several chunks (keys sampled without an index), the binlog brings updates, deletes, a re-insert of a
/// deleted key and updates that change the key, and the lake ends equal by verify and as DuckDB reads it.
/// </summary>
public sealed class NoPrimaryKeyTests(ITestOutputHelper output)
{
    private static readonly (string Column, DuckDbLakeReader.Print Print)[] Columns = [("sku", Text), ("warehouse", Text), ("qty", Text), ("note", Text)];

    [Fact]
    public async Task ATableWithoutAPrimaryKeyReplicatesByItsKeyOverrideThroughSnapshotAndBinlog()
    {
        await using var db = await SourceDatabase.CreateAsync("cdc_it_e2e_nopk");
        await db.Admin.ExecuteAsync("CREATE TABLE items (sku VARCHAR(20) NOT NULL, warehouse INT NOT NULL, qty INT NOT NULL, note VARCHAR(30))");
        await db.Admin.ExecuteAsync(
            "INSERT INTO items SELECT CONCAT('sku-', LPAD(seq DIV 3, 5, '0')), seq MOD 3, seq, IF(seq MOD 7 = 0, NULL, CONCAT('n', seq)) FROM seq_0_to_2999");

        using var dir = new TempDirectory("e2e-nopk");
        var spec = EndToEndJob.WriteSpec(
            dir.Path, "e2enopk", db.Name, Path.Combine(dir.Path, "lake"), new Dictionary<string, string[]> { [db.Name + ".items"] = ["sku", "warehouse"] }, chunkRows: 1_000);
        var job = EndToEndJob.Open(spec, Path.Combine(dir.Path, "state"));
        var table = Assert.Single(await job.DiscoverAsync());
        Assert.Equal(Schema.TableKeySource.Override, table.KeySource);
        Assert.Null(table.KeyIndex); // no index backs the key: chunks and verify ranges are found without one

        Assert.Equal(0, await Orchestrations.Hosting.JobRunner.RunAsync(spec, new Orchestrations.Hosting.JobRunnerOptions { StateFolder = job.StateFolder, SnapshotOnly = true }, null, CancellationToken.None));
        var snapshotRows = await LakeChecks.SourceRowsAsync(db.Admin, db.Name, "items", Columns);
        var status = await Orchestrations.Hosting.JobRunner.GetStatusAsync(spec, job.StateFolder, CancellationToken.None);
        var chunks = Assert.Single(status!.Tables).ChunksCommitted;
        Assert.True(chunks >= 2, $"the snapshot read the table in {chunks} chunk(s); the test needs key ranges found without an index");

        await db.Admin.ExecuteAsync("UPDATE items SET qty = qty + 1000, note = 'updated' WHERE warehouse = 1 AND sku < 'sku-00300'");
        await db.Admin.ExecuteAsync("DELETE FROM items WHERE warehouse = 2 AND sku BETWEEN 'sku-00100' AND 'sku-00199'");
        await db.Admin.ExecuteAsync("INSERT INTO items VALUES ('sku-00150', 2, -1, 're-inserted')");
        await db.Admin.ExecuteAsync("UPDATE items SET warehouse = warehouse + 10, note = 'moved' WHERE sku = 'sku-00500'"); // changes the key of three rows
        await db.Admin.ExecuteAsync("START TRANSACTION");
        await db.Admin.ExecuteAsync("DELETE FROM items WHERE sku = 'sku-00600' AND warehouse = 0");
        await db.Admin.ExecuteAsync("INSERT INTO items VALUES ('sku-00600', 0, 600600, 'deleted and re-inserted in one transaction')");
        await db.Admin.ExecuteAsync("COMMIT");
        await db.Admin.ExecuteAsync("INSERT INTO items VALUES ('sku-new', 0, 1, NULL), ('sku-new', 1, 2, 'two')");

        using var log = new TempDirectory("e2e-nopk-log");
        await job.CatchUpAsync(EmbeddedChangeLog.OpenOrCreate(log.Path, 2, new EmbeddedChangeLogOptions { Durability = LogDurability.OperatingSystemCache }), CaptureRig.NewServerId());

        var results = await LakeChecks.VerifyEqualAsync(job, output);
        Assert.Equal(3_000 - 100 + 1 + 2, Assert.Single(results).SourceRows);
        await LakeChecks.AssertDuckDbReadsTheSourceRowsAsync(job, db.Admin, db.Name, "items", Columns, keyColumns: 2);
        Assert.NotEqual(snapshotRows, await LakeChecks.SourceRowsAsync(db.Admin, db.Name, "items", Columns)); // the binlog changed what the snapshot read
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"items: {snapshotRows.Count} rows snapshotted in {chunks} chunks, {results[0].SourceRows} after the binlog, lake version {results[0].LakeVersion}"));
    }
}
