namespace Serverless.MySql.Binlog.Events;

/// <summary>An event that change capture does not need (INTVAR, STOP, BINLOG_CHECKPOINT, unknown types...); skipped by its length.</summary>
public sealed class SkippedEvent(BinlogEventHeader header) : BinlogEvent(header);
