using Serverless.MySql.Binlog.Events;
using Serverless.MySql.Client;
using Serverless.MySql.Replication;
using Serverless.Testing;

namespace Serverless.MySql.IntegrationTests;

/// <summary>Connections and stream setup shared by the replication tests (one database per test class).</summary>
internal static class ReplicationTestSupport
{
    private static int nextServerId = 5000 + (Environment.ProcessId % 1000 * 20);

    public static MySqlConnectionOptions Admin => new()
    {
        Host = LocalDependencies.MariaDbHost, Port = LocalDependencies.MariaDbPort,
        User = LocalDependencies.MariaDbAdmin.User, Password = LocalDependencies.MariaDbAdmin.Password,
    };

    public static MySqlConnectionOptions Replication => Admin with
    {
        User = LocalDependencies.MariaDbReplicationUser.User, Password = LocalDependencies.MariaDbReplicationUser.Password,
    };

    public static uint NewServerId() => (uint)Interlocked.Increment(ref nextServerId);

    public static async Task<MySqlConnection> OpenAdminAsync(string database)
    {
        await LocalDependencies.EnsureMariaDbAsync();
        var conn = await MySqlConnection.OpenAsync(Admin);
        await conn.ExecuteAsync($"CREATE DATABASE IF NOT EXISTS {database}");
        await conn.ExecuteAsync($"USE {database}");
        await conn.ExecuteAsync("SET time_zone = '+00:00', sql_mode = ''");
        return conn;
    }

    public static async Task<BinlogPosition> CurrentPositionAsync(MySqlConnection conn)
    {
        var rows = await conn.QueryTextRowsAsync("SHOW MASTER STATUS");
        return new BinlogPosition(rows[0][0]!, long.Parse(rows[0][1]!, System.Globalization.CultureInfo.InvariantCulture));
    }

    public static BinlogReplicationOptions Options(BinlogPosition start, string database, bool stopAtEnd = true) => new()
    {
        Connection = Replication,
        ServerId = NewServerId(),
        StartPosition = start,
        StopAtEnd = stopAtEnd,
        TableFilter = t => t.DatabaseName == database,
        HeartbeatPeriod = TimeSpan.FromSeconds(1),
        InitialReconnectDelay = TimeSpan.FromMilliseconds(100),
    };

    /// <summary>Reads to the end of the binlog, keeping detached row changes of the database and DDL run in it.</summary>
    public static async Task<List<ReplicationEvent>> ReadAllAsync(BinlogReplicationOptions options, string database, int? maxRows = null)
    {
        var result = new List<ReplicationEvent>();
        await using var stream = new BinlogReplicationStream(options);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var rows = 0;
        await foreach (var e in stream.ReadAsync(timeout.Token))
        {
            switch (e)
            {
                case RowChange row:
                    result.Add(row.Detach());
                    rows++;
                    break;
                case DdlChange ddl when ddl.Schema == database:
                    result.Add(ddl);
                    break;
                case TransactionCommit commit when commit.RowCount > 0:
                    result.Add(commit);
                    break;
            }

            if (maxRows is { } max && rows >= max)
            {
                break;
            }
        }

        return result;
    }

    public static IEnumerable<RowChange> RowsOf(this IEnumerable<ReplicationEvent> events, string table) =>
        events.OfType<RowChange>().Where(r => r.TableName == table);

    public static string?[] Display(this RowChange row, bool after) =>
        (after ? row.After : row.Before).ToArray().Select((v, i) => v.ToDisplayString(row.Table.Columns[i])).ToArray();

    public static int ColumnIndex(this TableMapEvent table, string name) =>
        table.Columns.Single(c => c.Name == name).Index;
}
