using System.Globalization;
using Serverless.Cdc.Capture;
using Serverless.Cdc.Schema;
using Serverless.MySql.Binlog;
using Serverless.MySql.Replication;

namespace Serverless.Cdc.IntegrationTests.Writer;

/// <summary>
/// Real binlog changes of one test database as change events, made the way the capture design says (a key-changing update
/// is a delete of the old key and an insert of the new one), for writer tests that need the stream's exact values.
/// </summary>
internal static class BinlogChanges
{
    public static async Task<BinlogPosition> CurrentPositionAsync(SourceDatabase db)
    {
        var rows = await db.Admin.QueryTextRowsAsync("SHOW MASTER STATUS");
        return new BinlogPosition(rows[0][0]!, long.Parse(rows[0][1]!, CultureInfo.InvariantCulture));
    }

    /// <summary>The changes of <paramref name="tables"/> from <paramref name="start"/> to the binlog's current end, in order.</summary>
    public static async Task<List<ChangeEvent>> ReadAsync(BinlogPosition start, IReadOnlyList<SourceTable> tables, uint serverIdOffset)
    {
        var database = tables[0].Database;
        var options = new BinlogReplicationOptions
        {
            Connection = SourceDatabase.AdminOptions() with { User = LocalDependencies.MariaDbReplicationUser.User, Password = LocalDependencies.MariaDbReplicationUser.Password },
            ServerId = 3_100_000_000 + serverIdOffset + ((uint)Environment.ProcessId % 100_000 * 10), // apart from other replication tests
            StartPosition = start,
            StopAtEnd = true,
            TableFilter = t => t.DatabaseName == database,
        };
        var changes = new List<ChangeEvent>();
        await using var stream = new BinlogReplicationStream(options);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await foreach (var e in stream.ReadAsync(timeout.Token))
        {
            switch (e)
            {
                case MySql.Replication.RowChange row when tables.FirstOrDefault(t => t.Name == row.TableName) is { } table:
                    changes.AddRange(ToChanges(row, table));
                    break;
                case DdlChange ddl when ddl.Schema == database:
                    changes.Add(new ChangeEvent { Kind = ChangeKind.Ddl, Database = ddl.Schema, Table = string.Empty, Position = ddl.Position, CommitTime = ddl.CommitTime, Sql = ddl.Sql });
                    break;
            }
        }

        return changes;
    }

    private static IEnumerable<ChangeEvent> ToChanges(MySql.Replication.RowChange row, SourceTable table)
    {
        var keyOrdinals = table.KeyColumnDefinitions().Select(c => c.Ordinal - 1).ToArray();
        ChangeEvent Make(ChangeKind kind, ReadOnlySpan<ColumnValue> image)
        {
            var values = new ChangeValue[image.Length];
            for (var i = 0; i < image.Length; i++)
            {
                values[i] = ChangeValue.FromColumnValue(image[i]);
            }

            return new ChangeEvent
            {
                Kind = kind, Database = row.DatabaseName, Table = row.TableName, SchemaVersion = 1, Position = row.Position, Gtid = row.Gtid,
                CommitTime = row.CommitTime, Key = keyOrdinals.Select(k => values[k]).ToArray(), Row = values,
            };
        }

        switch (row.Kind)
        {
            case RowChangeKind.Insert:
                return [Make(ChangeKind.Insert, row.After)];
            case RowChangeKind.Delete:
                return [Make(ChangeKind.Delete, row.Before)];
            default:
                var before = Make(ChangeKind.Delete, row.Before);
                var after = Make(ChangeKind.Update, row.After);
                return before.Key.SequenceEqual(after.Key) ? [after] : [before, Make(ChangeKind.Insert, row.After)];
        }
    }
}
