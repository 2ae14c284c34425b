using System.Buffers;

namespace Serverless.Cdc.Transport;

/// <summary>
/// A growable byte buffer on pooled arrays that can also be cut back to an earlier length (undoing an event that did
/// not fit). Pooled, because a batch grows to 1 MB and a fresh array per batch is a large-object allocation each time.
/// </summary>
internal sealed class ByteBuffer(int initialCapacity) : IBufferWriter<byte>
{
    private byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 16));

    public int Length { get; private set; }

    public Memory<byte> Written => buffer.AsMemory(0, Length);

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (Length + count > buffer.Length)
        {
            throw new InvalidOperationException("Advanced past the end of the span handed out.");
        }

        Length += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return buffer.AsMemory(Length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return buffer.AsSpan(Length);
    }

    public void Truncate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)length, (uint)Length, nameof(length));
        Length = length;
    }

    /// <summary>Gives the array back to the pool; the buffer is empty and unusable afterwards.</summary>
    public void Release()
    {
        var array = buffer;
        buffer = [];
        Length = 0;
        if (array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    private void Ensure(int sizeHint)
    {
        var needed = Length + Math.Max(sizeHint, 1);
        if (needed > buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, buffer.Length * 2));
            buffer.AsSpan(0, Length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = larger;
        }
    }
}
