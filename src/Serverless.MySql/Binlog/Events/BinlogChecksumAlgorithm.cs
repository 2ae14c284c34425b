namespace Serverless.MySql.Binlog.Events;

/// <summary>The checksum that follows every event, as named in FORMAT_DESCRIPTION (binlog_checksum).</summary>
public enum BinlogChecksumAlgorithm : byte
{
    None = 0,
    Crc32 = 1,
    Undefined = 255,
}
