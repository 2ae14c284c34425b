using Serverless.MySql.Binlog.Events;
using Serverless.MySql.Client;

namespace Serverless.MySql.Replication;

/// <summary>How to connect as a replica and where to start streaming.</summary>
public sealed record BinlogReplicationOptions
{
    public required MySqlConnectionOptions Connection { get; init; }

    /// <summary>Replica server id; must differ from the source's and from every other replica's.</summary>
    public required uint ServerId { get; init; }

    /// <summary>Start at this binlog file and offset (an event boundary, e.g. from SHOW MASTER STATUS).</summary>
    public BinlogPosition? StartPosition { get; init; }

    /// <summary>MariaDB: start after this GTID position (<c>@slave_connect_state</c>); empty list = from the oldest binlog.</summary>
    public MariaDbGtidList? StartMariaDbGtid { get; init; }

    /// <summary>MySQL: stream every transaction not in this executed set (COM_BINLOG_DUMP_GTID).</summary>
    public MySqlGtidSet? StartMySqlGtidSet { get; init; }

    /// <summary>Resume a previous stream: restart at the transaction start and skip what was already delivered.</summary>
    public ReplicationResumePoint? ResumeFrom { get; init; }

    /// <summary>How often the source sends a heartbeat when it has nothing to send.</summary>
    public TimeSpan HeartbeatPeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>With no event or heartbeat for this long the connection counts as dead and is reopened.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Reconnect attempts in a row before giving up (the count resets after each event).</summary>
    public int MaxReconnectAttempts { get; init; } = 10;

    public TimeSpan InitialReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Rows of tables for which this returns false are decoded only as far as needed to skip them.</summary>
    public Func<TableMapEvent, bool>? TableFilter { get; init; }

    /// <summary>Stop at the end of the binlog instead of waiting for new events (BINLOG_DUMP_NON_BLOCK).</summary>
    public bool StopAtEnd { get; init; }
}
