using System.Buffers.Binary;
namespace Serverless.Cdc.Transport.Embedded;

/// <summary>
/// The segment file format. A file starts with the 8-byte magic <c>SCDCLOG1</c>, then frames, each a 24-byte header
/// (u32 payload length, u32 CRC-32C of the next 16 header bytes and the payload, i64 sequence number, i64 append time
/// in Unix milliseconds, all little-endian) and the payload. A frame with an empty payload is a commit marker: the
/// publisher writes one after a batch is durable (its sequence is the batch's last), and readers hand out a batch only
/// once its marker is there, so they never see bytes that a power loss could still take back.
/// </summary>
internal static class SegmentFormat
{
    public const int FileHeaderBytes = 8;
    public const int RecordHeaderBytes = 24;

    public static ReadOnlySpan<byte> Magic => "SCDCLOG1"u8;

    public static int WriteRecord(Span<byte> destination, long sequence, long timeMilliseconds, ReadOnlySpan<byte> payload)
    {
        payload.CopyTo(destination[RecordHeaderBytes..]);
        WriteHeader(destination, sequence, timeMilliseconds, payload);
        return RecordHeaderBytes + payload.Length;
    }

    /// <summary>Fills the 24-byte header of a frame whose payload is <paramref name="payload"/>.</summary>
    public static void WriteHeader(Span<byte> header, long sequence, long timeMilliseconds, ReadOnlySpan<byte> payload)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)payload.Length);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], sequence);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], timeMilliseconds);
        var crc = Crc32C.Finish(Crc32C.Append(Crc32C.Append(Crc32C.Start, header.Slice(8, 16)), payload));
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], crc);
    }

    public static int WriteMarker(Span<byte> destination, long lastSequence, long timeMilliseconds) =>
        WriteRecord(destination, lastSequence, timeMilliseconds, []);

    /// <summary>Parses the frame at the start of <paramref name="data"/>.</summary>
    public static FrameStatus Parse(ReadOnlySpan<byte> data, int maxPayloadBytes, out Frame frame)
    {
        frame = default;
        if (data.IsEmpty)
        {
            return FrameStatus.End;
        }

        if (data.Length < RecordHeaderBytes)
        {
            return FrameStatus.Incomplete;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(data);
        if (length > (uint)maxPayloadBytes)
        {
            frame = new Frame(0, 0, 0, 0, $"the frame claims {length} payload bytes, more than the log's batch limit of {maxPayloadBytes}");
            return FrameStatus.Bad;
        }

        var total = RecordHeaderBytes + (int)length;
        if (data.Length < total)
        {
            return FrameStatus.Incomplete;
        }

        var crc = Crc32C.Finish(Crc32C.Append(Crc32C.Append(Crc32C.Start, data.Slice(8, 16)), data.Slice(RecordHeaderBytes, (int)length)));
        if (crc != BinaryPrimitives.ReadUInt32LittleEndian(data[4..]))
        {
            frame = new Frame(0, 0, 0, total, "the frame's CRC-32C does not match its bytes");
            return FrameStatus.Bad;
        }

        frame = new Frame(BinaryPrimitives.ReadInt64LittleEndian(data[8..]), BinaryPrimitives.ReadInt64LittleEndian(data[16..]), (int)length, total, null);
        return length == 0 ? FrameStatus.Marker : FrameStatus.Record;
    }
}

internal enum FrameStatus
{
    /// <summary>No bytes left.</summary>
    End,
    Record,
    Marker,

    /// <summary>The file ends inside the frame.</summary>
    Incomplete,

    /// <summary>The frame's length or checksum is wrong.</summary>
    Bad,
}

internal readonly record struct Frame(long Sequence, long TimeMilliseconds, int PayloadLength, int TotalLength, string? Problem);
