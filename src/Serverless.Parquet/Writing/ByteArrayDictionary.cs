using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Serverless.Parquet.Encodings;

namespace Serverless.Parquet.Writing;

/// <summary>
/// Distinct byte-array values of a column chunk in an open-addressing hash table; the entries are kept directly as
/// the PLAIN-encoded dictionary page body, so no value is allocated separately.
/// </summary>
internal sealed class ByteArrayDictionary : IDisposable
{
    // Arrays come from the shared pool: a snapshot builds a writer per chunk file, and these grew afresh each time.
    private readonly bool _lengthPrefixed;
    private int[] _slots;
    private int _slotCount = 1024;
    private int[] _hashes = ArrayPool<int>.Shared.Rent(512);
    private int[] _starts = ArrayPool<int>.Shared.Rent(512);
    private int[] _lengths = ArrayPool<int>.Shared.Rent(512);

    public ByteArrayDictionary(bool lengthPrefixed)
    {
        _lengthPrefixed = lengthPrefixed;
        _slots = PooledArrays.RentSlots(_slotCount);
    }

    public ByteBuffer Plain { get; } = new(4096);

    public int Count { get; private set; }

    public void Clear()
    {
        _slots.AsSpan(0, _slotCount).Fill(-1);
        Count = 0;
        Plain.Clear();
    }

    public void Dispose()
    {
        if (_slotCount == 0)
        {
            return;
        }

        ArrayPool<int>.Shared.Return(_slots);
        ArrayPool<int>.Shared.Return(_hashes);
        ArrayPool<int>.Shared.Return(_starts);
        ArrayPool<int>.Shared.Return(_lengths);
        _slots = _hashes = _starts = _lengths = [];
        _slotCount = 0;
        Plain.Dispose();
    }

    /// <summary>Returns the index of <paramref name="value"/>, adding it when new.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int GetOrAdd(ReadOnlySpan<byte> value)
    {
        var hash = Hash(value);
        var mask = _slotCount - 1;
        var slot = hash & mask;
        while (true)
        {
            var entry = _slots[slot];
            if (entry < 0)
            {
                break;
            }

            if (_hashes[entry] == hash && Plain.Array.AsSpan(_starts[entry], _lengths[entry]).SequenceEqual(value))
            {
                return entry;
            }

            slot = (slot + 1) & mask;
        }

        var index = Count++;
        if (index == _starts.Length || index == _lengths.Length || index == _hashes.Length)
        {
            PooledArrays.Grow(ref _starts, index * 2, index);
            PooledArrays.Grow(ref _lengths, index * 2, index);
            PooledArrays.Grow(ref _hashes, index * 2, index);
        }

        if (_lengthPrefixed)
        {
            Plain.WriteInt32LittleEndian(value.Length);
        }

        _starts[index] = Plain.Length;
        _lengths[index] = value.Length;
        _hashes[index] = hash;
        Plain.Write(value);
        _slots[slot] = index;
        if (Count * 2 > _slotCount)
        {
            Rehash();
        }

        return index;
    }

    private void Rehash() => PooledArrays.Rehash(ref _slots, ref _slotCount, Count, i => _hashes[i]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(ReadOnlySpan<byte> value)
    {
        ulong h = 0x9E3779B97F4A7C15UL ^ (ulong)value.Length;
        var i = 0;
        for (; i + 8 <= value.Length; i += 8)
        {
            h = (h ^ BinaryPrimitives.ReadUInt64LittleEndian(value[i..])) * 0xFF51AFD7ED558CCDUL;
            h ^= h >> 29;
        }

        ulong tail = 0;
        for (var shift = 0; i < value.Length; i++, shift += 8)
        {
            tail |= (ulong)value[i] << shift;
        }

        h = (h ^ tail) * 0xC4CEB9FE1A85EC53UL;
        h ^= h >> 32;
        return (int)(h & 0x7FFFFFFF);
    }
}
