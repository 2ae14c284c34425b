using System.Buffers.Binary;

namespace Serverless.MySql.Binlog;

/// <summary>The 19-byte v4 event header that starts every binlog event.</summary>
public readonly record struct BinlogEventHeader(
    uint Timestamp,
    BinlogEventType EventType,
    uint ServerId,
    uint EventSize,
    uint NextPosition,
    ushort Flags)
{
    public const int Size = 19;

    /// <summary>Set on events the server makes up for the stream (fake ROTATE at the start of a dump) rather than reads from a file.</summary>
    public const ushort ArtificialFlag = 0x20;

    /// <summary>Set in the FORMAT_DESCRIPTION of a binlog file that is still open; not part of its checksum.</summary>
    public const ushort BinlogInUseFlag = 0x01;

    public bool IsArtificial => (Flags & ArtificialFlag) != 0 || NextPosition == 0;

    /// <summary>The event's own offset in its binlog file (the header stores where the next event starts).</summary>
    public long EventOffset => NextPosition == 0 ? 0 : (long)NextPosition - EventSize;

    public static BinlogEventHeader Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Size)
        {
            throw new BinlogFormatException($"A binlog event needs a {Size}-byte header; only {bytes.Length} bytes arrived.");
        }

        return new BinlogEventHeader(
            BinaryPrimitives.ReadUInt32LittleEndian(bytes),
            (BinlogEventType)bytes[4],
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[5..]),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[9..]),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[13..]),
            BinaryPrimitives.ReadUInt16LittleEndian(bytes[17..]));
    }
}
