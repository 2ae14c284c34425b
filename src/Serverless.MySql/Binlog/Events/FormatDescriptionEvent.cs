namespace Serverless.MySql.Binlog.Events;

/// <summary>
/// FORMAT_DESCRIPTION (v4): the first event of every binlog file. It says how long each event type's fixed post-header
/// is and whether events carry a CRC32 checksum.
/// </summary>
public sealed class FormatDescriptionEvent(
    BinlogEventHeader header,
    ushort binlogVersion,
    string serverVersion,
    uint createTimestamp,
    byte commonHeaderLength,
    byte[] postHeaderLengths,
    BinlogChecksumAlgorithm checksumAlgorithm) : BinlogEvent(header)
{
    public ushort BinlogVersion { get; } = binlogVersion;

    public string ServerVersion { get; } = serverVersion;

    public uint CreateTimestamp { get; } = createTimestamp;

    public byte CommonHeaderLength { get; } = commonHeaderLength;

    public BinlogChecksumAlgorithm ChecksumAlgorithm { get; } = checksumAlgorithm;

    public bool IsMariaDb => ServerVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);

    /// <summary>The post-header length of an event type, or <paramref name="fallback"/> when the server did not list the type.</summary>
    public int PostHeaderLength(BinlogEventType type, int fallback)
    {
        var index = (int)type - 1;
        return index >= 0 && index < postHeaderLengths.Length ? postHeaderLengths[index] : fallback;
    }
}
