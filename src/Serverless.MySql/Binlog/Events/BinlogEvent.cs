namespace Serverless.MySql.Binlog.Events;

/// <summary>A decoded binlog event. Subclasses carry the fields of their event type.</summary>
public abstract class BinlogEvent(BinlogEventHeader header)
{
    public BinlogEventHeader Header { get; } = header;

    public BinlogEventType EventType => Header.EventType;
}
