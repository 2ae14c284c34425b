namespace Serverless.MySql.Replication;

/// <summary>
/// Something the replication stream delivers: a row change, a DDL statement or a transaction commit. Each carries its
/// binlog position, the transaction's GTID (when the source has one) and the commit time.
/// </summary>
public abstract class ReplicationEvent
{
    public BinlogPosition Position { get; internal set; }

    /// <summary>The transaction's GTID in the source's text form (<c>uuid:n</c> or <c>domain-server-seq</c>), or null.</summary>
    public string? Gtid { get; internal set; }

    /// <summary>When the source committed the transaction (second precision on MariaDB, microseconds on MySQL 8).</summary>
    public DateTimeOffset CommitTime { get; internal set; }

    /// <summary>Where to resume so that this event is the last one delivered before.</summary>
    public ReplicationResumePoint ResumePoint { get; internal set; }
}
