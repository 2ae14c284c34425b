using Serverless.MySql.Replication;

namespace Serverless.MySql.Binlog.Events;

/// <summary>MySQL GTID / ANONYMOUS_GTID: starts a transaction and names it (anonymous when GTID mode is off).</summary>
public sealed class MySqlGtidEvent(
    BinlogEventHeader header,
    bool isAnonymous,
    byte flags,
    MySqlGtid gtid,
    long lastCommitted,
    long sequenceNumber,
    ulong? immediateCommitMicroseconds,
    ulong? originalCommitMicroseconds,
    ulong? transactionLength) : BinlogEvent(header)
{
    public bool IsAnonymous { get; } = isAnonymous;

    /// <summary>Bit 0 set: the transaction may commit in parallel with others (commit flag).</summary>
    public byte Flags { get; } = flags;

    public MySqlGtid Gtid { get; } = gtid;

    public long LastCommitted { get; } = lastCommitted;

    public long SequenceNumber { get; } = sequenceNumber;

    /// <summary>Commit time on this server, microseconds since the Unix epoch (MySQL 8.0.1+).</summary>
    public ulong? ImmediateCommitMicroseconds { get; } = immediateCommitMicroseconds;

    /// <summary>Commit time on the original source, microseconds since the Unix epoch.</summary>
    public ulong? OriginalCommitMicroseconds { get; } = originalCommitMicroseconds;

    public ulong? TransactionLength { get; } = transactionLength;
}
