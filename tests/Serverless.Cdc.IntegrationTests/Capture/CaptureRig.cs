using System.Globalization;
using Serverless.Cdc.Capture;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Transport;
using Serverless.Cdc.Transport.Embedded;
using Serverless.MySql.Binlog;
using Serverless.MySql.Client;
using Serverless.MySql.Replication;
using Serverless.Storage.State;

namespace Serverless.Cdc.IntegrationTests.Capture;

/// <summary>
/// A capture test's surroundings: a change log and a state folder in a temp folder, options for one database's tables,
/// P0 read from the source, and the log read back as change events.
/// </summary>
internal sealed class CaptureRig : IDisposable
{
    private static int nextServerId = 2_000_000_000 + (Environment.ProcessId % 10_000 * 50);
    private readonly TempDirectory folder;

    public CaptureRig(string name, int partitions = 4)
    {
        folder = new TempDirectory(name);
        LogDirectory = Path.Combine(folder.Path, "log");
        StateDirectory = Path.Combine(folder.Path, "state");
        Log = EmbeddedChangeLog.OpenOrCreate(LogDirectory, partitions, new EmbeddedChangeLogOptions { Durability = LogDurability.OperatingSystemCache });
        State = new LocalFolderStateStore(StateDirectory);
    }

    public string LogDirectory { get; }

    public string StateDirectory { get; }

    public EmbeddedChangeLog Log { get; }

    public LocalFolderStateStore State { get; }

    public string File(string name) => folder.File(name);

    public static uint NewServerId() => (uint)Interlocked.Increment(ref nextServerId);

    public static MySqlConnectionOptions Replication(MySqlConnectionOptions admin) => admin with
    {
        User = LocalDependencies.MariaDbReplicationUser.User, Password = LocalDependencies.MariaDbReplicationUser.Password,
    };

    public static CaptureOptions Options(string job, MySqlConnectionOptions source, string database, CaptureStart start, bool stopAtEnd = true) => new()
    {
        JobName = job,
        Source = source,
        ReplicaServerId = NewServerId(),
        Tables = new TableSelection
        {
            Include = [TablePattern.TryParse(database + ".*", out _)!],
            Exclude = [TablePattern.TryParse(database + ".ignored*", out _)!],
        },
        Start = start,
        StopAtEnd = stopAtEnd,
        HeartbeatPeriod = TimeSpan.FromSeconds(1),
        InitialReconnectDelay = TimeSpan.FromMilliseconds(100),
        MaxReconnectDelay = TimeSpan.FromMilliseconds(500),
    };

    /// <summary>P0 as the snapshot records it: SHOW MASTER STATUS and the GTID position.</summary>
    public static async Task<CaptureStart> StartPositionAsync(MySqlConnection connection)
    {
        var status = await connection.QueryTextRowsAsync("SHOW MASTER STATUS");
        var gtid = await connection.QueryScalarAsync("SELECT @@gtid_binlog_pos");
        return new CaptureStart(new BinlogPosition(status[0][0]!, long.Parse(status[0][1]!, CultureInfo.InvariantCulture)), gtid);
    }

    public async Task RunAsync(CaptureOptions options, CancellationToken cancellationToken = default)
    {
        await using var publisher = Log.OpenPublisher();
        var capture = new BinlogCapture(options, publisher, State);
        await capture.RunAsync(cancellationToken);
    }

    /// <summary>Every change in the log, partition by partition in sequence order.</summary>
    public List<ReceivedChange> ReadAll() => [.. ReadEach()];

    /// <summary>The same, one at a time (for logs too large to hold).</summary>
    public IEnumerable<ReceivedChange> ReadEach()
    {
        for (var p = 0; p < Log.PartitionCount; p++)
        {
            using var reader = Log.OpenReader(p, 0);
            while (reader.TryRead(10_000) is { Count: > 0 } read)
            {
                foreach (var change in read)
                {
                    yield return change;
                }
            }
        }
    }

    /// <summary>
    /// The rows of each table after applying the changes by the merge rule (per key, the highest position wins; a delete
    /// removes), as text the way the source's SELECT prints it, keyed by the key's text.
    /// </summary>
    public static Dictionary<string, Dictionary<string, string?[]>> Fold(IEnumerable<ChangeEvent> changes)
    {
        var winners = new Dictionary<(string Table, string Key), ChangeEvent>();
        foreach (var c in changes.Where(c => c.Kind != ChangeKind.Ddl))
        {
            var id = (c.QualifiedTable, string.Join("|", c.Key.Select(Text)));
            if (!winners.TryGetValue(id, out var current) || current.SourcePosition < c.SourcePosition ||
                (current.SourcePosition == c.SourcePosition && c.Kind == ChangeKind.Insert && current.Kind == ChangeKind.Delete))
            {
                winners[id] = c;
            }
        }

        var tables = new Dictionary<string, Dictionary<string, string?[]>>(StringComparer.Ordinal);
        foreach (var ((table, key), c) in winners.Where(w => w.Value.Kind != ChangeKind.Delete))
        {
            if (!tables.TryGetValue(table, out var rows))
            {
                tables[table] = rows = new Dictionary<string, string?[]>(StringComparer.Ordinal);
            }

            rows[key] = c.Row.Select(Text).ToArray();
        }

        return tables;
    }

    /// <summary>The source table as text rows keyed by the first column.</summary>
    public static async Task<Dictionary<string, string?[]>> SelectAsync(MySqlConnection connection, string qualifiedTable)
    {
        var rows = await connection.QueryTextRowsAsync($"SELECT * FROM {qualifiedTable}");
        return rows.ToDictionary(r => r[0]!, r => r, StringComparer.Ordinal);
    }

    /// <summary>A change value as the text protocol prints it (for the column types these tests use).</summary>
    public static string? Text(ChangeValue v) => v.Kind switch
    {
        ColumnValueKind.Null => null,
        ColumnValueKind.Int64 => v.GetInt64().ToString(CultureInfo.InvariantCulture),
        ColumnValueKind.UInt64 => v.GetUInt64().ToString(CultureInfo.InvariantCulture),
        ColumnValueKind.Decimal => v.GetDecimal().ToString(),
        ColumnValueKind.String => v.GetUtf8String(),
        ColumnValueKind.DateTime => DateTimeText(v),
        _ => throw new NotSupportedException($"The capture tests compare no {v.Kind} values."),
    };

    private static string DateTimeText(ChangeValue v)
    {
        var d = v.GetDateTime();
        var text = string.Create(CultureInfo.InvariantCulture, $"{d.Year:0000}-{d.Month:00}-{d.Day:00} {d.Hour:00}:{d.Minute:00}:{d.Second:00}");
        return v.Aux == 0 ? text : text + "." + d.Microsecond.ToString("000000", CultureInfo.InvariantCulture)[..v.Aux];
    }

    public void Dispose() => folder.Dispose();
}
