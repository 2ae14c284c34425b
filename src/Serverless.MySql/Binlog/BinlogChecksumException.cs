namespace Serverless.MySql.Binlog;

/// <summary>An event's CRC32 did not match its bytes: the event was corrupted on disk or in transit.</summary>
public sealed class BinlogChecksumException : BinlogFormatException
{
    public BinlogChecksumException()
    {
    }

    public BinlogChecksumException(string message)
        : base(message)
    {
    }

    public BinlogChecksumException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BinlogChecksumException(string fileName, long eventOffset, BinlogEventType eventType, uint expected, uint actual)
        : base($"CRC32 mismatch in binlog '{fileName}' at offset {eventOffset} ({eventType} event): the event says 0x{expected:x8}, " +
               $"its bytes give 0x{actual:x8}. The binlog file or the network stream is corrupt; check the file with mysqlbinlog --verify-binlog-checksum.")
    {
        FileName = fileName;
        EventOffset = eventOffset;
    }

    public string? FileName { get; }

    public long EventOffset { get; }
}
