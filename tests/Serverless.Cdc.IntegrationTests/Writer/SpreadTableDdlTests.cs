using Serverless.Cdc.Capture;
using Serverless.Cdc.IntegrationTests.Capture;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Writer;

namespace Serverless.Cdc.IntegrationTests.Writer;

/// <summary>
/// DDL on a hot table spread over several slot keys: every slot gets its own copy of the statement, and a partition can hold
/// several slots. Capture publishes every change before the statement first, so in each partition all rows of the older
/// schema come before the first copy, and a writer never meets an old row image after it applied the DDL.
/// </summary>
public sealed class SpreadTableDdlTests
{
    [Fact]
    public async Task RowsOfEverySlotBeforeADdlArePublishedBeforeAnyCopyOfItSoOneWriterOfAllSlotsEndsEqual()
    {
        await using var rig = await DdlStreamRig.CreateAsync("cdc_it_ddl_spread");
        var admin = rig.Db.Admin;
        await admin.ExecuteAsync("CREATE TABLE hot (id INT PRIMARY KEY, n INT NOT NULL, note VARCHAR(10))");
        var hot = await rig.LakeTableAsync("hot");
        var p0 = await CaptureRig.StartPositionAsync(admin);

        // One binlog stretch, captured afterwards: rows of every slot on both sides of each statement.
        await admin.ExecuteAsync("INSERT INTO hot SELECT seq, seq, 'old' FROM seq_1_to_200");
        await admin.ExecuteAsync("UPDATE hot SET n = n + 1 WHERE id % 3 = 0");
        await admin.ExecuteAsync("ALTER TABLE hot ADD COLUMN tag VARCHAR(8) NULL AFTER n");
        await admin.ExecuteAsync("UPDATE hot SET tag = CONCAT('t', id % 7), n = n + 10 WHERE id % 2 = 0");
        await admin.ExecuteAsync("INSERT INTO hot SELECT seq, seq, 'new', 'fresh' FROM seq_201_to_260");
        await admin.ExecuteAsync("ALTER TABLE hot DROP COLUMN note");
        await admin.ExecuteAsync("UPDATE hot SET n = n * 2 WHERE id % 5 = 0");
        await admin.ExecuteAsync("DELETE FROM hot WHERE id % 11 = 0");

        var options = CaptureRig.Options("ddl", CaptureRig.Replication(SourceDatabase.AdminOptions()), rig.Db.Name, p0) with
        {
            Spread = new Dictionary<string, int> { [rig.Db.Name + ".hot"] = 4 },
        };
        await rig.Capture.RunAsync(options);

        // The rig's log has one partition, so it holds all four slots and four copies of each statement.
        var received = rig.Capture.ReadAll();
        var statements = received.Where(r => r.Change.Kind == ChangeKind.Ddl).GroupBy(r => r.Change.Position).ToList();
        Assert.Equal(2, statements.Count);
        foreach (var copies in statements)
        {
            Assert.Equal(4, copies.Count());
            var firstCopy = copies.Min(c => c.SequenceNumber);
            var lastRowBefore = received.Where(r => r.Change.Kind != ChangeKind.Ddl && r.Change.Position < copies.Key).Max(r => r.SequenceNumber);
            Assert.True(lastRowBefore < firstCopy, $"a row from before the DDL at {copies.Key} was published at {lastRowBefore}, after its first copy at {firstCopy}");
        }

        using var writer = rig.Writer([hot], SchemaChangeBehavior.Evolve);
        await writer.DrainAsync();

        Assert.Empty(writer.StoppedTables);
        string[] columns = ["id", "n", "tag"];
        var expected = await rig.SourceRowsAsync("hot", columns);
        Assert.Equal(260 - 23, expected.Count);
        Assert.Equal(expected, await rig.LakeRowsAsync("hot", columns));
        Assert.Equal(expected, await rig.DuckDbRowsAsync("hot", columns));
    }
}
