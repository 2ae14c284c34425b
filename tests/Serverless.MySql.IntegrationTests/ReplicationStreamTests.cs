using Serverless.MySql.Replication;
using Xunit;
using static Serverless.MySql.IntegrationTests.ReplicationTestSupport;

namespace Serverless.MySql.IntegrationTests;

public class ReplicationStreamTests
{
    private const string Database = "binlog_it_stream";

    [Fact]
    public async Task MultiRowEventsRowsOver16MbRotationAndDdlArriveInOrderWithTheirTableMaps()
    {
        await using var admin = await OpenAdminAsync(Database);
        await admin.ExecuteAsync("DROP TABLE IF EXISTS evolving");
        await admin.ExecuteAsync("CREATE TABLE evolving (id INT PRIMARY KEY, a VARCHAR(10), big LONGBLOB)");
        var start = await CurrentPositionAsync(admin);
        await admin.ExecuteAsync("INSERT INTO evolving (id, a) VALUES (1, 'one'), (2, 'two'), (3, 'three')");
        await admin.ExecuteAsync("INSERT INTO evolving (id, a, big) VALUES (4, 'big', REPEAT('z', 17 * 1024 * 1024))");
        await admin.ExecuteAsync("FLUSH BINARY LOGS");
        await admin.ExecuteAsync("ALTER TABLE evolving ADD COLUMN b INT NULL AFTER a");
        await admin.ExecuteAsync("INSERT INTO evolving (id, a, b) VALUES (5, 'five', 55)");
        await admin.ExecuteAsync("ALTER TABLE evolving DROP COLUMN a");
        await admin.ExecuteAsync("UPDATE evolving SET b = 66 WHERE id = 5");

        var events = await ReadAllAsync(Options(start, Database), Database);
        var rows = events.RowsOf("evolving").ToList();
        Assert.Equal([1, 2, 3, 4, 5, 5], rows.Select(r => (int)r.After[0].GetInt64()));
        Assert.Equal(rows[0].Position.EventOffset, rows[2].Position.EventOffset);
        Assert.Equal([0, 1, 2], rows.Take(3).Select(r => r.Position.RowIndex));
        var big = rows[3].After[rows[3].Table.ColumnIndex("big")];
        Assert.Equal(17 * 1024 * 1024, big.Bytes.Length);
        Assert.True(big.Bytes.Span.IndexOfAnyExcept((byte)'z') < 0);
        Assert.True(rows[4].Position.FileIndex == rows[3].Position.FileIndex + 1, "rows after FLUSH BINARY LOGS come from the next binlog file");
        Assert.Equal(["id", "a", "b", "big"], rows[4].Table.Columns.Select(c => c.Name));
        Assert.Equal("55", rows[4].After[2].ToDisplayString());
        Assert.Equal(["id", "b", "big"], rows[5].Table.Columns.Select(c => c.Name));
        Assert.Equal("55", rows[5].Before[1].ToDisplayString());
        Assert.Equal("66", rows[5].After[1].ToDisplayString());
        var ddl = events.OfType<DdlChange>().Select(d => d.Sql).ToList();
        Assert.Equal(2, ddl.Count);
        Assert.Contains("ADD COLUMN b", ddl[0]);
        Assert.Contains("DROP COLUMN a", ddl[1]);
        var positions = events.Select(e => e.Position).ToList();
        Assert.Equal(positions.Order(), positions);
        Assert.All(events.OfType<RowChange>(), r => Assert.Matches(@"^0-\d+-\d+$", r.Gtid));
    }

    [Fact]
    public async Task ResumingInsideATransactionRestartsAtItsBeginningAndSkipsDeliveredRows()
    {
        await using var admin = await OpenAdminAsync(Database);
        await admin.ExecuteAsync("DROP TABLE IF EXISTS resumed");
        await admin.ExecuteAsync("CREATE TABLE resumed (id INT PRIMARY KEY) ENGINE=InnoDB");
        var start = await CurrentPositionAsync(admin);
        await admin.ExecuteAsync("BEGIN");
        await admin.ExecuteAsync("INSERT INTO resumed VALUES (1), (2)");
        await admin.ExecuteAsync("INSERT INTO resumed VALUES (3)");
        await admin.ExecuteAsync("INSERT INTO resumed VALUES (4), (5)");
        await admin.ExecuteAsync("COMMIT");
        await admin.ExecuteAsync("INSERT INTO resumed VALUES (6)");

        var firstPart = await ReadAllAsync(Options(start, Database), Database, maxRows: 3);
        var lastDelivered = firstPart.OfType<RowChange>().Last();
        Assert.Equal(3, lastDelivered.After[0].GetInt64());
        var resume = ReplicationResumePoint.Parse(lastDelivered.ResumePoint.ToString());
        Assert.True(resume.TransactionStart < lastDelivered.Position);

        var rest = await ReadAllAsync(Options(start, Database) with { StartPosition = null, ResumeFrom = resume }, Database);
        Assert.Equal([4, 5, 6], rest.RowsOf("resumed").Select(r => (int)r.After[0].GetInt64()));
        Assert.All(rest.RowsOf("resumed"), r => Assert.True(r.Position > lastDelivered.Position));
        Assert.Equal(2, rest.OfType<TransactionCommit>().Count());
    }

    [Fact]
    public async Task ADroppedConnectionResumesWithoutGapOrDuplicate()
    {
        await using var admin = await OpenAdminAsync(Database);
        await admin.ExecuteAsync("DROP TABLE IF EXISTS killed");
        await admin.ExecuteAsync("CREATE TABLE killed (id INT PRIMARY KEY, note VARCHAR(20))");
        var start = await CurrentPositionAsync(admin);
        const int Total = 60;
        for (var i = 1; i <= Total / 2; i++)
        {
            await admin.ExecuteAsync($"INSERT INTO killed VALUES ({i}, 'before')");
        }

        var options = Options(start, Database, stopAtEnd: false);
        await using var stream = new BinlogReplicationStream(options);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = new List<int>();
        var killed = false;
        await foreach (var e in stream.ReadAsync(timeout.Token))
        {
            if (e is not RowChange { TableName: "killed" } row)
            {
                continue;
            }

            seen.Add((int)row.After[0].GetInt64());
            if (!killed && seen.Count == 10)
            {
                killed = true;
                await admin.ExecuteAsync($"KILL CONNECTION {stream.ConnectionId}");
                for (var i = (Total / 2) + 1; i <= Total; i++)
                {
                    await admin.ExecuteAsync($"INSERT INTO killed VALUES ({i}, 'after')");
                }
            }

            if (seen.Count >= Total)
            {
                break;
            }
        }

        Assert.True(stream.ReconnectCount >= 1, "the stream reconnected after its connection was killed");
        Assert.Equal(Enumerable.Range(1, Total), seen);
    }

    [Fact]
    public async Task APurgedOrMissingBinlogRaisesBinlogPurgedExceptionExplainingTheFix()
    {
        await using var admin = await OpenAdminAsync(Database);
        var options = Options(new BinlogPosition("mariadb-bin.999998", 4), Database);
        var error = await Assert.ThrowsAsync<BinlogPurgedException>(async () => await ReadAllAsync(options, Database));
        Assert.Contains("Re-snapshot", error.Message);
        Assert.Contains("binlog_expire_logs_seconds", error.Message);
    }

    [Fact]
    public async Task StreamingByMariaDbGtidStartsAfterTheGivenPosition()
    {
        await using var admin = await OpenAdminAsync(Database);
        await admin.ExecuteAsync("DROP TABLE IF EXISTS by_gtid");
        await admin.ExecuteAsync("CREATE TABLE by_gtid (id INT PRIMARY KEY)");
        await admin.ExecuteAsync("INSERT INTO by_gtid VALUES (1)");
        var gtid = MariaDbGtidList.Parse((await admin.QueryScalarAsync("SELECT @@gtid_binlog_pos"))!);
        await admin.ExecuteAsync("INSERT INTO by_gtid VALUES (2)");
        await admin.ExecuteAsync("INSERT INTO by_gtid VALUES (3)");
        var options = Options(new BinlogPosition("unused.000001", 4), Database) with { StartPosition = null, StartMariaDbGtid = gtid };
        var events = await ReadAllAsync(options, Database);
        var rows = events.RowsOf("by_gtid").ToList();
        Assert.Equal([2, 3], rows.Select(r => (int)r.After[0].GetInt64()));
        Assert.All(rows, r => Assert.False(gtid.Contains(MariaDbGtid.Parse(r.Gtid!))));
    }
}
