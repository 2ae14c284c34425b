using System.Buffers.Binary;

namespace Serverless.Delta.DeletionVectors;

/// <summary>
/// A set of 64-bit row indexes as Delta stores deletion vectors: 32-bit Roaring bitmaps keyed by the high 32 bits
/// (the RoaringFormatSpec 64-bit portable extension), preceded by Delta's magic number 1681511377.
/// </summary>
public sealed class RoaringBitmapArray
{
    /// <summary>PROTOCOL.md: the magic number that starts a serialized deletion vector (little endian).</summary>
    public const int MagicNumber = 1681511377;

    private readonly SortedList<uint, RoaringBitmap> buckets = [];

    public long Cardinality
    {
        get
        {
            long n = 0;
            foreach (var b in buckets.Values)
            {
                n += b.Cardinality;
            }

            return n;
        }
    }

    public static RoaringBitmapArray Of(IEnumerable<long> rowIndexes)
    {
        ArgumentNullException.ThrowIfNull(rowIndexes);
        var r = new RoaringBitmapArray();
        foreach (var i in rowIndexes)
        {
            r.Add(i);
        }

        return r;
    }

    public void Add(long rowIndex)
    {
        if (rowIndex < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rowIndex), rowIndex, "Row indexes are non-negative (the key's top bit must be 0).");
        }

        var key = (uint)(rowIndex >> 32);
        if (!buckets.TryGetValue(key, out var b))
        {
            b = new RoaringBitmap();
            buckets.Add(key, b);
        }

        b.Add((uint)rowIndex);
    }

    public bool Contains(long rowIndex) =>
        rowIndex >= 0 && buckets.TryGetValue((uint)(rowIndex >> 32), out var b) && b.Contains((uint)rowIndex);

    public void UnionWith(RoaringBitmapArray other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (key, bitmap) in other.buckets)
        {
            if (!buckets.TryGetValue(key, out var mine))
            {
                mine = new RoaringBitmap();
                buckets.Add(key, mine);
            }

            mine.UnionWith(bitmap);
        }
    }

    /// <summary>The row indexes in ascending order.</summary>
    public IEnumerable<long> Values()
    {
        foreach (var (key, bitmap) in buckets)
        {
            var high = (long)key << 32;
            foreach (var low in bitmap.Values())
            {
                yield return high | low;
            }
        }
    }

    /// <summary>Magic number + 64-bit portable serialization, the bytes that go inline (Z85) or into a DV file.</summary>
    public byte[] Serialize()
    {
        var size = 4 + 8;
        foreach (var b in buckets.Values)
        {
            size += 4 + b.SerializedSize();
        }

        var bytes = new byte[size];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span, MagicNumber);
        BinaryPrimitives.WriteInt64LittleEndian(span[4..], buckets.Count);
        var pos = 12;
        foreach (var (key, bitmap) in buckets)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span[pos..], key);
            pos += 4;
            pos += bitmap.Serialize(span[pos..]);
        }

        return bytes;
    }

    public static RoaringBitmapArray Deserialize(ReadOnlySpan<byte> data)
    {
        if (data.Length < 12)
        {
            throw new FormatException($"A serialized deletion vector has at least 12 bytes (magic number and bucket count); got {data.Length}.");
        }

        var magic = BinaryPrimitives.ReadInt32LittleEndian(data);
        if (magic != MagicNumber)
        {
            throw new FormatException($"Deletion vector magic number is {magic}; expected {MagicNumber} (RoaringBitmapArray portable format).");
        }

        var count = BinaryPrimitives.ReadInt64LittleEndian(data[4..]);
        // Each bucket takes at least 12 bytes (key + cookie + count), which bounds a corrupt count by the input.
        if (count < 0 || count > (data.Length - 12) / 12 + 1)
        {
            throw new FormatException($"Deletion vector declares {count} buckets, more than its {data.Length} bytes can hold.");
        }

        var r = new RoaringBitmapArray();
        var pos = 12;
        long previous = -1;
        for (long i = 0; i < count; i++)
        {
            if (data.Length - pos < 4)
            {
                throw new FormatException($"Deletion vector is truncated at bucket {i} (offset {pos}).");
            }

            var key = BinaryPrimitives.ReadUInt32LittleEndian(data[pos..]);
            if (key <= previous || key > int.MaxValue)
            {
                throw new FormatException($"Deletion vector bucket {i} has key {key}: keys must ascend and keep the top bit 0.");
            }

            previous = key;
            pos += 4;
            var bitmap = RoaringBitmap.Deserialize(data[pos..], out var consumed);
            pos += consumed;
            r.buckets.Add(key, bitmap);
        }

        return r;
    }
}
