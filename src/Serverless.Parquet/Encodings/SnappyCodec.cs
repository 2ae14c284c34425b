using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Serverless.Parquet.Encodings;

/// <summary>
/// Raw Snappy block format (varint uncompressed length, then literal and copy elements), span to span so a page is
/// compressed into a reused buffer and decompressed straight into the page buffer with no allocation per page.
/// The encoder follows the format's usual greedy scheme: 64 KiB blocks, a hash table of 4-byte sequences, and a
/// lookup stride that grows over incompressible input.
/// </summary>
internal static class SnappyCodec
{
    private const int BlockSize = 1 << 16;
    private const int MaxTableBits = 14;
    private const int InputMargin = 15;
    private const int MinNonLiteralBlockSize = 1 + 1 + InputMargin;

    /// <summary>The largest output <see cref="Compress"/> can produce for <paramref name="length"/> input bytes.</summary>
    public static int MaxCompressedLength(int length) => 32 + length + (length / 6);

    /// <summary>Compresses <paramref name="input"/> into <paramref name="output"/> (at least <see cref="MaxCompressedLength"/> bytes); returns the bytes written.</summary>
    public static int Compress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (output.Length < MaxCompressedLength(input.Length))
        {
            throw new ArgumentException("The snappy output buffer is smaller than the worst case.", nameof(output));
        }

        var d = WriteVarint(output, (uint)input.Length);
        Span<ushort> table = stackalloc ushort[1 << MaxTableBits];
        for (var start = 0; start < input.Length; start += BlockSize)
        {
            var block = input.Slice(start, Math.Min(BlockSize, input.Length - start));
            d += block.Length < MinNonLiteralBlockSize
                ? EmitLiteral(ref MemoryMarshal.GetReference(output[d..]), 0, output.Length - d, ref MemoryMarshal.GetReference(block), block.Length, block.Length)
                : CompressBlock(block, output[d..], table);
        }

        return d;
    }

    /// <summary>The uncompressed length a snappy block declares, or -1 when its header is malformed.</summary>
    public static long DeclaredLength(ReadOnlySpan<byte> input)
    {
        ulong value = 0;
        for (var i = 0; i < 5 && i < input.Length; i++)
        {
            value |= (ulong)(input[i] & 0x7F) << (7 * i);
            if ((input[i] & 0x80) == 0)
            {
                return value > uint.MaxValue ? -1 : (long)value;
            }
        }

        return -1;
    }

    /// <summary>
    /// Decompresses into exactly <paramref name="output"/>; returns null on success or why the input is corrupt
    /// (the caller adds the file offset and column).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string? TryDecompress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var declared = DeclaredLength(input);
        if (declared < 0)
        {
            return "bad length header";
        }

        if (declared != output.Length)
        {
            return $"decompresses to {declared} bytes but the page header says {output.Length}";
        }

        var s = 1;
        while ((input[s - 1] & 0x80) != 0)
        {
            s++;
        }

        ref var src = ref MemoryMarshal.GetReference(input);
        ref var dst = ref MemoryMarshal.GetReference(output);
        var srcEnd = input.Length;
        var dstEnd = output.Length;
        var d = 0;
        while (s < srcEnd)
        {
            int tag = Unsafe.Add(ref src, s);
            int length;
            int offset;
            var kind = tag & 3;
            if (kind == 0)
            {
                length = tag >> 2;
                if (length < 60)
                {
                    s++;

                    // Short literal with room on both sides: one 16-byte copy, the common case.
                    if (length < 16 && srcEnd - s >= 16 && dstEnd - d >= 16)
                    {
                        Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, d), Unsafe.ReadUnaligned<Vector128<byte>>(ref Unsafe.Add(ref src, s)));
                        s += length + 1;
                        d += length + 1;
                        continue;
                    }
                }
                else
                {
                    var extra = length - 59;
                    if (srcEnd - s < 1 + extra)
                    {
                        return "literal length beyond the input";
                    }

                    uint l = 0;
                    for (var k = 0; k < extra; k++)
                    {
                        l |= (uint)Unsafe.Add(ref src, s + 1 + k) << (8 * k);
                    }

                    if (l >= int.MaxValue)
                    {
                        return "literal too long";
                    }

                    length = (int)l;
                    s += 1 + extra;
                }

                length++;
                if (length > srcEnd - s || length > dstEnd - d)
                {
                    return "literal beyond the input or the declared length";
                }

                Unsafe.CopyBlockUnaligned(ref Unsafe.Add(ref dst, d), ref Unsafe.Add(ref src, s), (uint)length);
                s += length;
                d += length;
                continue;
            }

            if (kind == 1)
            {
                if (srcEnd - s < 2)
                {
                    return "copy beyond the input";
                }

                length = 4 + ((tag >> 2) & 7);
                offset = ((tag & 0xE0) << 3) | Unsafe.Add(ref src, s + 1);
                s += 2;
            }
            else if (kind == 2)
            {
                if (srcEnd - s < 3)
                {
                    return "copy beyond the input";
                }

                length = 1 + (tag >> 2);
                offset = BinaryPrimitives.ReadUInt16LittleEndian(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref src, s + 1), 2));
                s += 3;
            }
            else
            {
                if (srcEnd - s < 5)
                {
                    return "copy beyond the input";
                }

                length = 1 + (tag >> 2);
                var o = BinaryPrimitives.ReadUInt32LittleEndian(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref src, s + 1), 4));
                offset = o > int.MaxValue ? int.MaxValue : (int)o;
                s += 5;
            }

            if ((uint)(offset - 1) >= (uint)d || length > dstEnd - d)
            {
                return $"copy of {length} bytes from offset {offset} is out of range at output byte {d}";
            }

            ref var to = ref Unsafe.Add(ref dst, d);
            ref var from = ref Unsafe.Add(ref dst, d - offset);
            d += length;
            if (dstEnd - d >= 16)
            {
                // Wide copies may overrun the copy by < 16 bytes of output slack; every read covers bytes already written.
                if (offset >= 16)
                {
                    Unsafe.WriteUnaligned(ref to, Unsafe.ReadUnaligned<Vector128<byte>>(ref from));
                    for (var k = 16; k < length; k += 16)
                    {
                        Unsafe.WriteUnaligned(ref Unsafe.Add(ref to, k), Unsafe.ReadUnaligned<Vector128<byte>>(ref Unsafe.Add(ref from, k)));
                    }
                }
                else if (offset >= 8)
                {
                    Unsafe.WriteUnaligned(ref to, Unsafe.ReadUnaligned<ulong>(ref from));
                    Unsafe.WriteUnaligned(ref Unsafe.Add(ref to, 8), Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref from, 8)));
                    for (var k = 16; k < length; k += 8)
                    {
                        Unsafe.WriteUnaligned(ref Unsafe.Add(ref to, k), Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref from, k)));
                    }
                }
                else
                {
                    // The copy repeats with period `offset`, so also with period e (a multiple of offset, >= 8):
                    // after the first e - offset bytes, read 8 at a time from e bytes back.
                    var e = offset * ((offset + 7) / offset);
                    var head = Math.Min(length, e - offset);
                    var k = 0;
                    for (; k < head; k++)
                    {
                        Unsafe.Add(ref to, k) = Unsafe.Add(ref from, k);
                    }

                    for (; k < length; k += 8)
                    {
                        Unsafe.WriteUnaligned(ref Unsafe.Add(ref to, k), Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref to, k - e)));
                    }
                }
            }
            else
            {
                for (var k = 0; k < length; k++)
                {
                    Unsafe.Add(ref to, k) = Unsafe.Add(ref from, k);
                }
            }
        }

        return d == dstEnd ? null : $"decompressed to {d} bytes but the page header says {dstEnd}";
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int CompressBlock(ReadOnlySpan<byte> block, Span<byte> output, Span<ushort> tableSpace)
    {
        var tableBits = 8;
        while (tableBits < MaxTableBits && (1 << tableBits) < block.Length)
        {
            tableBits++;
        }

        // Hashes are < 2^tableBits <= the table's length, so the table is indexed without bounds checks.
        tableSpace[..(1 << tableBits)].Clear();
        ref var table = ref MemoryMarshal.GetReference(tableSpace);
        var shift = 32 - tableBits;
        ref var src = ref MemoryMarshal.GetReference(block);
        ref var dst = ref MemoryMarshal.GetReference(output);
        var outLength = output.Length;
        var length = block.Length;
        var sLimit = length - InputMargin;
        var nextEmit = 0;
        var d = 0;
        var s = 1;
        var nextHash = Hash(Load32(ref src, s), shift);
        while (true)
        {
            var skip = 32;
            var nextS = s;
            int candidate;
            do
            {
                s = nextS;
                var step = skip >> 5;
                skip++;
                nextS = s + step;
                if (nextS > sLimit)
                {
                    goto EmitRemainder;
                }

                ref var entry = ref Unsafe.Add(ref table, nextHash);
                candidate = entry;
                entry = (ushort)s;
                nextHash = Hash(Load32(ref src, nextS), shift);
            }
            while (Load32(ref src, s) != Load32(ref src, candidate));

            d = EmitLiteral(ref dst, d, outLength, ref Unsafe.Add(ref src, nextEmit), s - nextEmit, length - nextEmit);
            ulong x;
            do
            {
                var matchStart = s;
                s = ExtendMatch(ref src, candidate + 4, s + 4, length);
                d = EmitCopy(ref dst, d, matchStart - candidate, s - matchStart);
                nextEmit = s;
                if (s >= sLimit)
                {
                    goto EmitRemainder;
                }

                x = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref src, s - 1));
                Unsafe.Add(ref table, Hash((uint)x, shift)) = (ushort)(s - 1);
                ref var current = ref Unsafe.Add(ref table, Hash((uint)(x >> 8), shift));
                candidate = current;
                current = (ushort)s;
            }
            while ((uint)(x >> 8) == Load32(ref src, candidate));

            nextHash = Hash((uint)(x >> 16), shift);
            s++;
        }

    EmitRemainder:
        if (nextEmit < length)
        {
            d = EmitLiteral(ref dst, d, outLength, ref Unsafe.Add(ref src, nextEmit), length - nextEmit, length - nextEmit);
        }

        return d;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ExtendMatch(ref byte src, int candidate, int s, int length)
    {
        while (s + 8 <= length)
        {
            var diff = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref src, s)) ^ Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref src, candidate));
            if (diff != 0)
            {
                return s + (BitOperations.TrailingZeroCount(diff) >> 3);
            }

            s += 8;
            candidate += 8;
        }

        while (s < length && Unsafe.Add(ref src, s) == Unsafe.Add(ref src, candidate))
        {
            s++;
            candidate++;
        }

        return s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Load32(ref byte src, int at) => Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref src, at));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(uint value, int shift) => (int)((value * 0x1E35A7BDu) >> shift);

    /// <summary>Writes a literal of <paramref name="count"/> bytes at <paramref name="d"/>; returns the new output position.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int EmitLiteral(ref byte dst, int d, int outLength, ref byte literal, int count, int readable)
    {
        var n = count - 1;
        if (n < 60)
        {
            Unsafe.Add(ref dst, d++) = (byte)(n << 2);
            if (count <= 16 && outLength - d >= 16 && readable >= 16)
            {
                // Both sides have 16 bytes: one wide copy; output bytes past the literal are overwritten next.
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, d), Unsafe.ReadUnaligned<Vector128<byte>>(ref literal));
                return d + count;
            }
        }
        else if (n < 1 << 8)
        {
            Unsafe.Add(ref dst, d) = 60 << 2;
            Unsafe.Add(ref dst, d + 1) = (byte)n;
            d += 2;
        }
        else
        {
            // Blocks are at most 64 KiB, so two length bytes always suffice.
            Unsafe.Add(ref dst, d) = 61 << 2;
            Unsafe.Add(ref dst, d + 1) = (byte)n;
            Unsafe.Add(ref dst, d + 2) = (byte)(n >> 8);
            d += 3;
        }

        Unsafe.CopyBlockUnaligned(ref Unsafe.Add(ref dst, d), ref literal, (uint)count);
        return d + count;
    }

    /// <summary>Writes copy elements for a match; returns the new output position.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int EmitCopy(ref byte dst, int d, int offset, int length)
    {
        while (length >= 68)
        {
            d = EmitCopyTwoByteOffset(ref dst, d, offset, 64);
            length -= 64;
        }

        if (length > 64)
        {
            d = EmitCopyTwoByteOffset(ref dst, d, offset, 60);
            length -= 60;
        }

        if (length >= 12 || offset >= 2048)
        {
            return EmitCopyTwoByteOffset(ref dst, d, offset, length);
        }

        Unsafe.Add(ref dst, d) = (byte)(1 | ((length - 4) << 2) | ((offset >> 8) << 5));
        Unsafe.Add(ref dst, d + 1) = (byte)offset;
        return d + 2;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int EmitCopyTwoByteOffset(ref byte dst, int d, int offset, int length)
    {
        Unsafe.Add(ref dst, d) = (byte)(2 | ((length - 1) << 2));
        Unsafe.Add(ref dst, d + 1) = (byte)offset;
        Unsafe.Add(ref dst, d + 2) = (byte)(offset >> 8);
        return d + 3;
    }

    private static int WriteVarint(Span<byte> output, uint value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            output[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        output[i++] = (byte)value;
        return i;
    }
}
