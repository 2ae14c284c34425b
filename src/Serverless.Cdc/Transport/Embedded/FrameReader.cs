using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Serverless.Cdc.Transport.Embedded;

/// <summary>
/// Walks the frames of a segment file from an offset, reading it in chunks of <see cref="ChunkBytes"/> (or one whole
/// frame, if larger) into a buffer the caller may reuse across scans; the file length is taken once.
/// </summary>
internal sealed class FrameReader
{
    public const int ChunkBytes = 256 * 1024;

    private readonly SafeFileHandle handle;
    private readonly int maxPayloadBytes;
    private readonly byte[] buffer;
    private long bufferStart;
    private int bufferLength;

    public FrameReader(SafeFileHandle handle, long offset, int maxPayloadBytes, byte[]? buffer = null)
    {
        this.handle = handle;
        this.maxPayloadBytes = maxPayloadBytes;
        FileLength = RandomAccess.GetLength(handle);
        Offset = offset;
        this.buffer = buffer is not null && buffer.Length >= BufferBytes(maxPayloadBytes) ? buffer : new byte[BufferBytes(maxPayloadBytes)];
    }

    public long FileLength { get; }

    /// <summary>Where the next frame starts (or the frame that <see cref="Next"/> found incomplete or bad).</summary>
    public long Offset { get; private set; }

    /// <summary>The buffer size a reader for logs with this batch limit uses.</summary>
    public static int BufferBytes(int maxPayloadBytes) => ChunkBytes + SegmentFormat.RecordHeaderBytes + maxPayloadBytes;

    /// <summary>The frame at <see cref="Offset"/>; a record's payload is valid until the next call.</summary>
    public FrameStatus Next(out Frame frame, out ReadOnlyMemory<byte> payload)
    {
        payload = default;
        var available = Fill(SegmentFormat.RecordHeaderBytes);
        if (available >= SegmentFormat.RecordHeaderBytes)
        {
            var length = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan((int)(Offset - bufferStart)));
            if (length <= (uint)maxPayloadBytes)
            {
                available = Fill(SegmentFormat.RecordHeaderBytes + (int)length);
            }
        }

        var at = (int)(Offset - bufferStart);
        var status = SegmentFormat.Parse(buffer.AsSpan(at, available), maxPayloadBytes, out frame);
        if (status is FrameStatus.Record or FrameStatus.Marker)
        {
            payload = buffer.AsMemory(at + SegmentFormat.RecordHeaderBytes, frame.PayloadLength);
            Offset += frame.TotalLength;
        }

        return status;
    }

    /// <summary>Makes the buffer hold <paramref name="wanted"/> bytes from <see cref="Offset"/> (fewer at the end of the file); returns how many it holds.</summary>
    private int Fill(int wanted)
    {
        var remaining = FileLength - Offset;
        var inBuffer = bufferStart + bufferLength - Offset;
        if (Offset >= bufferStart && inBuffer >= Math.Min(wanted, remaining))
        {
            return (int)inBuffer;
        }

        bufferStart = Offset;
        bufferLength = 0;
        var toRead = (int)Math.Min(Math.Max(wanted, ChunkBytes), remaining);
        while (bufferLength < toRead)
        {
            var n = RandomAccess.Read(handle, buffer.AsSpan(bufferLength, toRead - bufferLength), bufferStart + bufferLength);
            if (n == 0)
            {
                break;
            }

            bufferLength += n;
        }

        return bufferLength;
    }
}
