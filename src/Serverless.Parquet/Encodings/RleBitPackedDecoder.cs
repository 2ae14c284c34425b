using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Serverless.Parquet.Encodings;

/// <summary>
/// Decodes the RLE / bit-packing hybrid from a byte range. Corrupt input (runs past the end, bit width out of
/// range) raises <see cref="ParquetFormatException"/> with the file offset.
/// </summary>
internal sealed class RleBitPackedDecoder
{
    private byte[] _data = [];
    private int _position;
    private int _end;
    private int _bitWidth;
    private long _fileOffset;
    private int _rleRemaining;
    private int _rleValue;
    private int _packedRemaining;
    private int _packedBitOffset;
    private int _packedStart;

    public void Reset(byte[] data, int start, int end, int bitWidth, long fileOffset)
    {
        if (bitWidth is < 0 or > 32)
        {
            throw new ParquetFormatException(fileOffset, $"RLE/bit-packed bit width {bitWidth} is out of range 0..32");
        }

        _data = data;
        _position = start;
        _end = end;
        _bitWidth = bitWidth;
        _fileOffset = fileOffset - start;
        _rleRemaining = 0;
        _packedRemaining = 0;
    }

    /// <summary>Fills <paramref name="destination"/> completely or throws when the data ends first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ReadExactly(Span<int> destination)
    {
        var filled = 0;
        while (filled < destination.Length)
        {
            if (_rleRemaining > 0)
            {
                var n = Math.Min(_rleRemaining, destination.Length - filled);
                destination.Slice(filled, n).Fill(_rleValue);
                filled += n;
                _rleRemaining -= n;
            }
            else if (_packedRemaining > 0)
            {
                var n = Math.Min(_packedRemaining, destination.Length - filled);
                Unpack(destination.Slice(filled, n));
                filled += n;
                _packedRemaining -= n;
            }
            else
            {
                NextRun();
            }
        }
    }

    private void NextRun()
    {
        if (_position >= _end)
        {
            throw new ParquetFormatException(_fileOffset + _position, "RLE/bit-packed data ends before all values were read");
        }

        var header = ReadUleb128();
        if ((header & 1) == 1)
        {
            var groups = header >> 1;
            var bytes = groups * (ulong)_bitWidth;
            if (groups == 0 || bytes > (ulong)(_end - _position))
            {
                // A final bit-packed run may be truncated to the values it holds; accept what remains.
                if (groups == 0)
                {
                    throw new ParquetFormatException(_fileOffset + _position, "empty bit-packed run");
                }
            }

            var available = _bitWidth == 0 ? groups * 8 : Math.Min(groups * 8, (ulong)(_end - _position) * 8 / (ulong)_bitWidth);
            if (available == 0)
            {
                throw new ParquetFormatException(_fileOffset + _position, "bit-packed run extends beyond its data");
            }

            _packedRemaining = (int)Math.Min(available, int.MaxValue);
            _packedStart = _position;
            _packedBitOffset = 0;
            _position = (int)Math.Min((ulong)_end, (ulong)_position + bytes);
        }
        else
        {
            var count = header >> 1;
            if (count == 0)
            {
                throw new ParquetFormatException(_fileOffset + _position, "empty RLE run");
            }

            var byteWidth = (_bitWidth + 7) / 8;
            if (byteWidth > _end - _position)
            {
                throw new ParquetFormatException(_fileOffset + _position, "RLE run value extends beyond its data");
            }

            var v = 0;
            for (var b = 0; b < byteWidth; b++)
            {
                v |= _data[_position++] << (8 * b);
            }

            _rleValue = v;
            _rleRemaining = (int)Math.Min(count, int.MaxValue);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Unpack(Span<int> destination)
    {
        var bw = _bitWidth;
        if (bw == 0)
        {
            destination.Clear();
            return;
        }

        var mask = bw == 32 ? 0xFFFFFFFFUL : (1UL << bw) - 1;
        var bitPos = _packedBitOffset;
        var baseIndex = _packedStart;
        ref var data = ref MemoryMarshal.GetArrayDataReference(_data);
        ref var output = ref MemoryMarshal.GetReference(destination);
        var count = destination.Length;
        var i = 0;

        // Whole values whose 8-byte load stays inside the run's data: no per-value bounds checks, 8 at a time.
        var safeEnd = (long)(_end - 8 - baseIndex) * 8;
        if (bw <= 8)
        {
            // Eight values of up to 8 bits fit in one 64-bit load.
            while (i + 8 <= count && bitPos + (8L * bw) <= safeEnd + 1 && (bitPos & 7) == 0)
            {
                var word = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref data, baseIndex + (bitPos >> 3)));
                for (var k = 0; k < 8; k++)
                {
                    Unsafe.Add(ref output, i + k) = (int)((word >> (k * bw)) & mask);
                }

                i += 8;
                bitPos += 8 * bw;
            }
        }

        while (i + 8 <= count && bitPos + (8L * bw) <= safeEnd)
        {
            for (var k = 0; k < 8; k++)
            {
                var word = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref data, baseIndex + (bitPos >> 3)));
                Unsafe.Add(ref output, i + k) = (int)((word >> (bitPos & 7)) & mask);
                bitPos += bw;
            }

            i += 8;
        }

        for (; i < count; i++)
        {
            destination[i] = (int)((ReadWordAt(baseIndex + (bitPos >> 3)) >> (bitPos & 7)) & mask);
            bitPos += bw;
        }

        _packedBitOffset = bitPos;
    }

    /// <summary>Eight bytes at <paramref name="byteIndex"/>, zero past the end of the run's data.</summary>
    private ulong ReadWordAt(int byteIndex)
    {
        if (byteIndex <= _end - 8)
        {
            return BinaryPrimitives.ReadUInt64LittleEndian(_data.AsSpan(byteIndex, 8));
        }

        ulong word = 0;
        for (var b = 0; b < 8 && byteIndex + b < _end; b++)
        {
            word |= (ulong)_data[byteIndex + b] << (8 * b);
        }

        return word;
    }

    private ulong ReadUleb128()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _end)
            {
                throw new ParquetFormatException(_fileOffset + _position, "RLE run header ends early");
            }

            var b = _data[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw new ParquetFormatException(_fileOffset + _position, "RLE run header varint too long");
    }
}
