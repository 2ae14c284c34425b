namespace Serverless.MySql.Binlog.Events;

/// <summary>HEARTBEAT (v1 and v2): the source is alive and has sent everything up to <see cref="Position"/> of <see cref="FileName"/>.</summary>
public sealed class HeartbeatEvent(BinlogEventHeader header, string fileName, ulong position) : BinlogEvent(header)
{
    public string FileName { get; } = fileName;

    public ulong Position { get; } = position;
}
