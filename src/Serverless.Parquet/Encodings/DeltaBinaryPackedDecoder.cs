using System.Buffers.Binary;

namespace Serverless.Parquet.Encodings;

/// <summary>
/// Decodes DELTA_BINARY_PACKED (Encodings.md): a header (block size, miniblocks per block, value count, first value)
/// and blocks of (min delta, miniblock bit widths, bit-packed miniblocks). Arithmetic wraps, as the spec requires.
/// </summary>
internal static class DeltaBinaryPackedDecoder
{
    private const int MaxValues = 1 << 28;

    /// <summary>Reads the value count from the header without decoding.</summary>
    public static int PeekCount(ReadOnlySpan<byte> data, long fileOffset)
    {
        var pos = 0;
        ReadUleb(data, ref pos, fileOffset);
        ReadUleb(data, ref pos, fileOffset);
        var total = ReadUleb(data, ref pos, fileOffset);
        if (total > MaxValues)
        {
            throw new ParquetFormatException(fileOffset, $"DELTA_BINARY_PACKED claims {total} values");
        }

        return (int)total;
    }

    /// <summary>Decodes into <paramref name="destination"/> (its length must equal the header's count); returns bytes consumed.</summary>
    public static int Decode(ReadOnlySpan<byte> data, Span<long> destination, long fileOffset)
    {
        var pos = 0;
        var blockSize = ReadUleb(data, ref pos, fileOffset);
        var miniblocks = ReadUleb(data, ref pos, fileOffset);
        var total = ReadUleb(data, ref pos, fileOffset);
        var first = ZigZag(ReadUleb(data, ref pos, fileOffset));
        if (blockSize == 0 || blockSize % 128 != 0 || miniblocks == 0 || blockSize % miniblocks != 0 || blockSize / miniblocks % 32 != 0 || blockSize > 1 << 20)
        {
            throw new ParquetFormatException(fileOffset, $"invalid DELTA_BINARY_PACKED header (block size {blockSize}, miniblocks {miniblocks})");
        }

        if (total != (ulong)destination.Length)
        {
            throw new ParquetFormatException(fileOffset, $"DELTA_BINARY_PACKED holds {total} values where {destination.Length} were expected");
        }

        if (total == 0)
        {
            return pos;
        }

        var perMiniblock = (int)(blockSize / miniblocks);
        destination[0] = first;
        var previous = first;
        var produced = 1;
        Span<byte> widths = stackalloc byte[(int)Math.Min(miniblocks, 1024)];
        if (miniblocks > 1024)
        {
            throw new ParquetFormatException(fileOffset, $"DELTA_BINARY_PACKED has {miniblocks} miniblocks per block");
        }

        while (produced < destination.Length)
        {
            var minDelta = ZigZag(ReadUleb(data, ref pos, fileOffset));
            if (pos + widths.Length > data.Length)
            {
                throw new ParquetFormatException(fileOffset + pos, "DELTA_BINARY_PACKED block header ends early");
            }

            data.Slice(pos, widths.Length).CopyTo(widths);
            pos += widths.Length;
            for (var m = 0; m < widths.Length && produced < destination.Length; m++)
            {
                int bw = widths[m];
                if (bw > 64)
                {
                    throw new ParquetFormatException(fileOffset + pos, $"DELTA_BINARY_PACKED miniblock bit width {bw}");
                }

                var bytes = perMiniblock * bw / 8;
                if (pos + bytes > data.Length)
                {
                    throw new ParquetFormatException(fileOffset + pos, "DELTA_BINARY_PACKED miniblock extends beyond the page");
                }

                var mini = data.Slice(pos, bytes);
                var count = Math.Min(perMiniblock, destination.Length - produced);
                for (var i = 0; i < count; i++)
                {
                    var delta = ReadPacked(mini, i, bw);
                    previous = unchecked(previous + minDelta + (long)delta);
                    destination[produced++] = previous;
                }

                pos += bytes;
            }
        }

        return pos;
    }

    private static ulong ReadPacked(ReadOnlySpan<byte> data, int index, int bw)
    {
        if (bw == 0)
        {
            return 0;
        }

        var bitPos = (long)index * bw;
        var byteIndex = (int)(bitPos >> 3);
        var shift = (int)(bitPos & 7);
        ulong lo = 0;
        if (byteIndex + 8 <= data.Length)
        {
            lo = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(byteIndex, 8));
        }
        else
        {
            for (var b = 0; b < 8 && byteIndex + b < data.Length; b++)
            {
                lo |= (ulong)data[byteIndex + b] << (8 * b);
            }
        }

        var value = lo >> shift;
        if (shift + bw > 64)
        {
            var extra = byteIndex + 8 < data.Length ? data[byteIndex + 8] : (byte)0;
            value |= (ulong)extra << (64 - shift);
        }

        return bw == 64 ? value : value & ((1UL << bw) - 1);
    }

    private static long ZigZag(ulong v) => (long)(v >> 1) ^ -(long)(v & 1);

    private static ulong ReadUleb(ReadOnlySpan<byte> data, ref int pos, long fileOffset)
    {
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (pos >= data.Length)
            {
                throw new ParquetFormatException(fileOffset + pos, "DELTA_BINARY_PACKED varint ends early");
            }

            var b = data[pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw new ParquetFormatException(fileOffset + pos, "DELTA_BINARY_PACKED varint too long");
    }
}
