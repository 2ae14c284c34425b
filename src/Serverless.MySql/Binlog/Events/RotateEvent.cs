namespace Serverless.MySql.Binlog.Events;

/// <summary>ROTATE: the stream continues in <see cref="NextFileName"/> at <see cref="NextPosition"/>.</summary>
public sealed class RotateEvent(BinlogEventHeader header, ulong nextPosition, string nextFileName) : BinlogEvent(header)
{
    public ulong NextPosition { get; } = nextPosition;

    public string NextFileName { get; } = nextFileName;
}
