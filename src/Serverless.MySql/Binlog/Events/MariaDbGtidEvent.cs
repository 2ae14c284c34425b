using Serverless.MySql.Replication;

namespace Serverless.MySql.Binlog.Events;

/// <summary>MariaDB GTID: starts an event group and names it <c>domain-server-sequence</c>.</summary>
public sealed class MariaDbGtidEvent(BinlogEventHeader header, MariaDbGtid gtid, MariaDbGtidFlags flags, ulong? commitId) : BinlogEvent(header)
{
    public MariaDbGtid Gtid { get; } = gtid;

    public MariaDbGtidFlags Flags { get; } = flags;

    /// <summary>Group commit id, present when the transaction was committed in a group (parallel replication hint).</summary>
    public ulong? CommitId { get; } = commitId;

    /// <summary>A standalone group is a single statement (typically DDL) not terminated by XID or COMMIT.</summary>
    public bool IsStandalone => (Flags & MariaDbGtidFlags.Standalone) != 0;
}

[Flags]
public enum MariaDbGtidFlags : byte
{
    None = 0,
    Standalone = 1,
    GroupCommitId = 2,
    Transactional = 4,
    AllowParallel = 8,
    Waited = 16,
    Ddl = 32,
    PreparedXa = 64,
    CompletedXa = 128,
}
