using System.Globalization;
using Serverless.Cdc.Capture;
using Serverless.Cdc.Transport;
using Serverless.Cdc.Transport.Embedded;
using Serverless.MySql.Binlog;
using Serverless.MySql.Replication;

namespace Serverless.Cdc.IntegrationTests.Transport;

/// <summary>
/// Real binlog row changes from MariaDB, turned into change events the way capture will, go through the embedded log
/// and come out with every value as the binlog decoded it.
/// </summary>
public sealed class BinlogChangesThroughTheLogTests
{
    [Fact]
    public async Task EveryBinlogValueKindComesOutOfTheLogAsTheBinlogDecodedIt()
    {
        await using var db = await SourceDatabase.CreateAsync("cdc_it_transport");
        await db.Admin.ExecuteAsync(
            """
            CREATE TABLE t (
              id INT PRIMARY KEY, c_bigint_u BIGINT UNSIGNED, c_dec DECIMAL(65,30), c_float FLOAT, c_double DOUBLE,
              c_date DATE, c_dt DATETIME(6), c_ts TIMESTAMP(3) NULL, c_time TIME(6), c_year YEAR, c_bit BIT(10),
              c_enum ENUM('a','b','c'), c_set SET('x','y','z'), c_text VARCHAR(50), c_latin VARCHAR(10) CHARACTER SET latin1,
              c_blob BLOB, c_json JSON, c_geo GEOMETRY NULL, c_null INT NULL)
            """);
        var start = await CurrentPositionAsync(db);
        await db.Admin.ExecuteAsync(
            """
            INSERT INTO t VALUES
              (1, 18446744073709551615, -12345678901234567890123456789012345.123456789012345678901234567890, -1.5, 2.718281828459045,
               '1000-01-01', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.123', '-838:59:59.000000', 2155, b'1010101010',
               'c', 'x,z', 'Grüße 世界 🚀', 'café', X'00FF10', '{"a": [1, 2.5, "x"], "b": null}', ST_GeomFromText('POINT(1 2)', 4326), NULL),
              (2, 0, 0.000000000000000000000000000001, 0, -0.0, '0000-00-00', '0000-00-00 00:00:00', NULL, '00:00:00.000001', 1901, b'0',
               'a', '', '', '', X'', '[]', NULL, 7)
            """);
        await db.Admin.ExecuteAsync("UPDATE t SET c_text = 'changed', c_dec = 1 WHERE id = 2");
        await db.Admin.ExecuteAsync("DELETE FROM t WHERE id = 1");
        await db.Admin.ExecuteAsync("ALTER TABLE t ADD COLUMN c_new INT");

        var source = await ReadBinlogAsync(start, db.Name);
        var rows = source.OfType<RowChange>().ToList();
        Assert.Equal(4, rows.Count);
        var published = source.Select(ToChange).ToList();

        using var folder = new TempDirectory("changelog-binlog");
        var log = EmbeddedChangeLog.OpenOrCreate(folder.Path, 2);
        await using (var publisher = log.OpenPublisher())
        {
            var batch = publisher.CreateBatch(ChangeBatchOptions.ForKey(PartitionKeys.ForTable(db.Name, "t")));
            Assert.All(published, c => Assert.True(batch.TryAdd(c)));
            await publisher.PublishAsync(batch);
        }

        var partition = PartitionKeys.PartitionFor(PartitionKeys.ForTable(db.Name, "t"), 2);
        using var reader = log.OpenReader(partition, 0);
        var read = reader.TryRead(100).Select(r => r.Change).ToList();

        Assert.Equal(published.Count, read.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var image = row.Kind == RowChangeKind.Delete ? row.Before : row.After;
            Assert.Equal(published[i].Kind, read[i].Kind);
            Assert.Equal(row.Position, read[i].Position);
            Assert.Equal(row.Gtid, read[i].Gtid);
            Assert.Equal(row.CommitTime, read[i].CommitTime);
            Assert.Equal(image.Length, read[i].Row.Count);
            for (var c = 0; c < image.Length; c++)
            {
                AssertSameValue(image[c], read[i].Row[c], $"row {i} column {row.Table.Columns[c].Name}");
            }
        }

        var ddl = Assert.Single(read, c => c.Kind == ChangeKind.Ddl);
        Assert.Contains("ADD COLUMN c_new", ddl.Sql, StringComparison.Ordinal);
    }

    private static ChangeEvent ToChange(ReplicationEvent e) => e switch
    {
        RowChange row => new ChangeEvent
        {
            Kind = row.Kind switch { RowChangeKind.Insert => ChangeKind.Insert, RowChangeKind.Update => ChangeKind.Update, _ => ChangeKind.Delete },
            Database = row.DatabaseName, Table = row.TableName, SchemaVersion = 1, Position = row.Position, Gtid = row.Gtid, CommitTime = row.CommitTime,
            Key = [ChangeValue.FromColumnValue((row.Kind == RowChangeKind.Delete ? row.Before : row.After)[0])],
            Row = (row.Kind == RowChangeKind.Delete ? row.Before : row.After).ToArray().Select(v => ChangeValue.FromColumnValue(v)).ToArray(),
        },
        DdlChange ddl => new ChangeEvent
        {
            Kind = ChangeKind.Ddl, Database = ddl.Schema, Table = "t", Position = ddl.Position, Gtid = ddl.Gtid, CommitTime = ddl.CommitTime, Sql = ddl.Sql,
        },
        _ => throw new InvalidOperationException($"Unexpected {e}."),
    };

    /// <summary>Compares through the binlog value's own accessors, not through <see cref="ChangeValue.FromColumnValue"/>.</summary>
    private static void AssertSameValue(ColumnValue expected, ChangeValue actual, string what)
    {
        Assert.True(expected.Kind == actual.Kind, $"{what}: kind {actual.Kind}, expected {expected.Kind}");
        switch (expected.Kind)
        {
            case ColumnValueKind.Null:
                Assert.True(actual.IsNull, what);
                break;
            case ColumnValueKind.Int64 or ColumnValueKind.Year or ColumnValueKind.Enum:
                Assert.Equal(expected.GetInt64(), actual.GetInt64());
                break;
            case ColumnValueKind.UInt64 or ColumnValueKind.Set or ColumnValueKind.Bit:
                Assert.Equal(expected.GetUInt64(), actual.GetUInt64());
                Assert.Equal(expected.BitCount, expected.Kind == ColumnValueKind.Bit ? actual.Aux : 0);
                break;
            case ColumnValueKind.Single or ColumnValueKind.Double:
                Assert.Equal(BitConverter.DoubleToInt64Bits(expected.GetDouble()), BitConverter.DoubleToInt64Bits(actual.GetDouble()));
                break;
            case ColumnValueKind.Decimal:
                Assert.Equal(expected.GetDecimal().ToString(), actual.GetDecimal().ToString());
                break;
            case ColumnValueKind.Date or ColumnValueKind.DateTime:
                Assert.Equal(expected.GetDateTime(), actual.GetDateTime());
                Assert.Equal(expected.FractionalSecondsPrecision, actual.Aux);
                break;
            case ColumnValueKind.Time:
                Assert.Equal(expected.GetTime(), TimeSpan.FromTicks(actual.Bits * 10));
                Assert.Equal(expected.FractionalSecondsPrecision, actual.Aux);
                break;
            case ColumnValueKind.Timestamp:
                Assert.Equal(expected.GetTimestampMicroseconds(), actual.Bits);
                Assert.Equal(expected.FractionalSecondsPrecision, actual.Aux);
                break;
            default:
                Assert.Equal(expected.Bytes.ToArray(), actual.Bytes.ToArray());
                Assert.Equal(expected.Collation, expected.Kind is ColumnValueKind.String or ColumnValueKind.Binary ? actual.Aux : 0);
                break;
        }
    }

    private static async Task<BinlogPosition> CurrentPositionAsync(SourceDatabase db)
    {
        var rows = await db.Admin.QueryTextRowsAsync("SHOW MASTER STATUS");
        return new BinlogPosition(rows[0][0]!, long.Parse(rows[0][1]!, CultureInfo.InvariantCulture));
    }

    private static async Task<List<ReplicationEvent>> ReadBinlogAsync(BinlogPosition start, string database)
    {
        var options = new BinlogReplicationOptions
        {
            Connection = SourceDatabase.AdminOptions() with { User = LocalDependencies.MariaDbReplicationUser.User, Password = LocalDependencies.MariaDbReplicationUser.Password },
            ServerId = 3_000_000_000 + (uint)Environment.ProcessId, // far from the ranges other replication tests use
            StartPosition = start,
            StopAtEnd = true,
            TableFilter = t => t.DatabaseName == database,
        };
        var events = new List<ReplicationEvent>();
        await using var stream = new BinlogReplicationStream(options);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await foreach (var e in stream.ReadAsync(timeout.Token))
        {
            switch (e)
            {
                case RowChange row:
                    events.Add(row.Detach());
                    break;
                case DdlChange ddl when ddl.Schema == database:
                    events.Add(ddl);
                    break;
            }
        }

        return events;
    }
}
