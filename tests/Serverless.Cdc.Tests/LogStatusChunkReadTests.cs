using System.Text;
using Serverless.Cdc.Preflight;
using Serverless.Cdc.Schema;
using Serverless.Cdc.Snapshot;
using Serverless.MySql.Client;
using Serverless.MySql.Protocol;
using Serverless.MySql.Replication;
using Serverless.Parquet;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Cdc.Tests;

/// <summary>
/// The MySQL 8 position method (performance_schema.log_status, then the consistent read view), which MariaDB cannot
/// show: played against a scripted MySQL 8.0 server whose replies are built from the protocol and log_status docs.
/// </summary>
public sealed class LogStatusChunkReadTests
{
    private static readonly SourceTable Items = new()
    {
        Database = "shop",
        Name = "items",
        Columns =
        [
            new SourceColumn { Name = "id", Ordinal = 1, DataType = "bigint", ColumnType = "bigint(20)", IsNullable = false, NumericPrecision = 19, NumericScale = 0 },
            new SourceColumn { Name = "name", Ordinal = 2, DataType = "varchar", ColumnType = "varchar(20)", CharacterSet = "utf8mb4" },
            new SourceColumn { Name = "price", Ordinal = 3, DataType = "decimal", ColumnType = "decimal(10,2)", NumericPrecision = 10, NumericScale = 2 },
            new SourceColumn { Name = "added", Ordinal = 4, DataType = "datetime", ColumnType = "datetime(6)", DatetimePrecision = 6 },
        ],
        KeyColumns = ["id"],
        KeySource = TableKeySource.PrimaryKey,
        KeyIndex = "PRIMARY",
    };

    [Fact]
    public async Task LogStatusPositionIsTakenBeforeTheReadViewAndStampedOnEveryRowOnAScriptedMySql8Server()
    {
        await using var server = ScriptedSqlServer.Start(Respond);
        using var dir = new TempDirectory("cdc-logstatus");
        var store = new LocalFolderObjectStore(dir.Path);
        var source = new MySqlConnectionOptions
        {
            Host = "127.0.0.1",
            Port = server.Port,
            User = "cdc",
            Password = "secret",
            TlsMode = TlsMode.Disabled,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            ReadTimeout = TimeSpan.FromSeconds(10),
            Name = "scripted mysql",
        };
        var chunk = new SnapshotChunk
        {
            Database = "shop",
            Table = "items",
            Index = 0,
            Count = 1,
            KeyColumns = ["id"],
            Upper = [new KeyValue(KeyValueKind.Number, "100")],
        };

        // The scripted server answers only COM_QUERY, so the rows are read as a query (text protocol).
        var reader = new ChunkReader(source, store, new ChunkReaderOptions { PositionMethod = SnapshotPositionMethod.LogStatus, BinaryProtocol = false });
        var result = await reader.ReadAsync(chunk, TypeMapper.Map(Items), "shop_items");
        await server.Completion.WaitAsync(TimeSpan.FromSeconds(10));

        // log_status is read before the read view starts (changes committed in between are re-applied, which is
        // harmless); reading it after would let the chunk miss them.
        var statements = server.Statements;
        var logStatus = IndexOf(statements, "performance_schema.log_status");
        var readView = IndexOf(statements, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
        var select = IndexOf(statements, "FROM `shop`.`items`");
        Assert.True(logStatus >= 0 && logStatus < readView && readView < select, string.Join(" | ", statements));
        Assert.Equal("COMMIT", statements[^1]);

        var position = new BinlogPosition("binlog.000042", 4_711);
        Assert.Equal(position.ToString(), result.Position);
        Assert.Equal(3, result.Rows);
        var file = Assert.Single(result.Files);
        using var parquet = ParquetReader.Open(Path.Combine(dir.Path, file.Path));
        var rows = parquet.ReadRowGroup(0);
        Assert.Equal([1L, 2L, 3L], rows.Columns[0].Int64Values.ToArray());
        Assert.Equal("tea 🍵", Encoding.UTF8.GetString(rows.Columns[1].GetBytes(1)));
        Assert.True(rows.Columns[2].IsNull(2));
        Assert.Equal(new ParquetDecimal(1_250, 2), rows.Columns[2].GetDecimal(0));
        Assert.Equal(1_704_067_200_000_001L, rows.Columns[3].Int64Values[0]);
        var stamp = RowConverter.EncodePosition(position.SortKey);
        Assert.All(Enumerable.Range(0, 3), i => Assert.Equal(stamp, rows.Columns[4].GetBytes(i).ToArray()));
    }

    private static ScriptedSqlServer.Reply Respond(string sql)
    {
        if (sql.Contains("performance_schema.log_status", StringComparison.Ordinal))
        {
            // The LOCAL column as MySQL 8.0.17+ documents it for a server with the binary log on.
            return ScriptedSqlServer.Reply.Scalar("LOCAL", ColumnType.Json,
                """{"gtid_executed": "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-77", "binary_log_file": "binlog.000042", "binary_log_position": 4711}""");
        }

        if (sql.StartsWith("SELECT UTC_TIMESTAMP", StringComparison.Ordinal))
        {
            return ScriptedSqlServer.Reply.Scalar("UTC_TIMESTAMP(6)", ColumnType.DateTime, "2026-11-21 10:00:00.000000");
        }

        if (sql.Contains("FROM `shop`.`items`", StringComparison.Ordinal))
        {
            return ScriptedSqlServer.Reply.ResultSet(
                [("id", ColumnType.LongLong), ("name", ColumnType.VarString), ("price", ColumnType.NewDecimal), ("added", ColumnType.DateTime)],
                ["1", "coffee", "12.50", "2024-01-01 00:00:00.000001"],
                ["2", "tea 🍵", "3.00", "2024-01-02 00:00:00.000000"],
                ["3", "water", null, "2024-01-03 12:30:00.500000"]);
        }

        return ScriptedSqlServer.Reply.Ok;
    }

    private static int IndexOf(IReadOnlyList<string> statements, string fragment) =>
        statements.ToList().FindIndex(s => s.Contains(fragment, StringComparison.Ordinal));
}
