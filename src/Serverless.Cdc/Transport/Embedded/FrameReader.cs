using Microsoft.Win32.SafeHandles;

namespace Serverless.Cdc.Transport.Embedded;

/// <summary>Walks the frames of a segment file from an offset, reading it in large blocks; the file length is taken once.</summary>
internal sealed class FrameReader
{
    private readonly SafeFileHandle handle;
    private readonly int maxPayloadBytes;
    private readonly byte[] buffer;
    private long bufferStart;
    private int bufferLength;

    public FrameReader(SafeFileHandle handle, long offset, int maxPayloadBytes)
    {
        this.handle = handle;
        this.maxPayloadBytes = maxPayloadBytes;
        FileLength = RandomAccess.GetLength(handle);
        Offset = offset;
        buffer = new byte[Math.Max(4 * 1024 * 1024, (2 * maxPayloadBytes) + (4 * SegmentFormat.RecordHeaderBytes))];
    }

    public long FileLength { get; }

    /// <summary>Where the next frame starts (or the frame that <see cref="Next"/> found incomplete or bad).</summary>
    public long Offset { get; private set; }

    /// <summary>The frame at <see cref="Offset"/>; a record's payload is valid until the next call.</summary>
    public FrameStatus Next(out Frame frame, out ReadOnlyMemory<byte> payload)
    {
        payload = default;
        var available = Fill(SegmentFormat.RecordHeaderBytes + maxPayloadBytes);
        var at = (int)(Offset - bufferStart);
        var status = SegmentFormat.Parse(buffer.AsSpan(at, available), maxPayloadBytes, out frame);
        if (status is FrameStatus.Record or FrameStatus.Marker)
        {
            payload = buffer.AsMemory(at + SegmentFormat.RecordHeaderBytes, frame.PayloadLength);
            Offset += frame.TotalLength;
        }

        return status;
    }

    /// <summary>Makes the buffer hold <paramref name="wanted"/> bytes from <see cref="Offset"/> (fewer at the end of the file).</summary>
    private int Fill(int wanted)
    {
        var remaining = FileLength - Offset;
        var need = (int)Math.Min(wanted, remaining);
        if (Offset >= bufferStart && Offset + need <= bufferStart + bufferLength)
        {
            return (int)Math.Min(bufferStart + bufferLength - Offset, remaining);
        }

        bufferStart = Offset;
        bufferLength = 0;
        var toRead = (int)Math.Min(buffer.Length, remaining);
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
