using System.Buffers.Binary;
using System.Numerics;

namespace Serverless.Delta.DeletionVectors;

/// <summary>
/// A 32-bit Roaring bitmap in the portable serialization of the RoaringFormatSpec: containers keyed by the high
/// 16 bits, each an array (≤ 4096 values), a bitmap (65536 bits) or runs. Reads all three container kinds;
/// writes arrays and bitmaps (the no-run cookie 12346).
/// </summary>
public sealed class RoaringBitmap
{
    internal const int SerialCookieNoRunContainer = 12346;
    internal const int SerialCookie = 12347;
    private const int ArrayMaxCardinality = 4096;
    private const int NoOffsetThreshold = 4;

    // Containers sorted by key. An array container holds sorted ushorts; a bitmap container holds 1024 ulongs.
    private readonly List<ushort> keys = [];
    private readonly List<Container> containers = [];

    public long Cardinality
    {
        get
        {
            long n = 0;
            foreach (var c in containers)
            {
                n += c.Cardinality;
            }

            return n;
        }
    }

    public bool IsEmpty => containers.Count == 0;

    public bool Contains(uint value)
    {
        var i = keys.BinarySearch((ushort)(value >> 16));
        return i >= 0 && containers[i].Contains((ushort)value);
    }

    public void Add(uint value)
    {
        var key = (ushort)(value >> 16);
        var i = keys.BinarySearch(key);
        if (i < 0)
        {
            i = ~i;
            keys.Insert(i, key);
            containers.Insert(i, new Container());
        }

        containers[i].Add((ushort)value);
    }

    /// <summary>Adds every value of <paramref name="other"/> to this bitmap.</summary>
    public void UnionWith(RoaringBitmap other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (var j = 0; j < other.keys.Count; j++)
        {
            var i = keys.BinarySearch(other.keys[j]);
            if (i < 0)
            {
                i = ~i;
                keys.Insert(i, other.keys[j]);
                containers.Insert(i, other.containers[j].Clone());
            }
            else
            {
                containers[i].UnionWith(other.containers[j]);
            }
        }
    }

    /// <summary>The values in ascending order.</summary>
    public IEnumerable<uint> Values()
    {
        for (var i = 0; i < keys.Count; i++)
        {
            var high = (uint)keys[i] << 16;
            foreach (var low in containers[i].Values())
            {
                yield return high | low;
            }
        }
    }

    public int SerializedSize()
    {
        var n = containers.Count;
        var size = 8 + (4 * n) + (4 * n);
        foreach (var c in containers)
        {
            size += c.IsBitmap ? 8192 : 2 * c.Cardinality;
        }

        return size;
    }

    /// <summary>Writes the portable serialization (no run containers) and returns the bytes written.</summary>
    public int Serialize(Span<byte> destination)
    {
        var n = containers.Count;
        var need = SerializedSize();
        if (destination.Length < need)
        {
            throw new ArgumentException($"Need {need} bytes to serialize the bitmap; got {destination.Length}.", nameof(destination));
        }

        BinaryPrimitives.WriteInt32LittleEndian(destination, SerialCookieNoRunContainer);
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], n);
        var pos = 8;
        for (var i = 0; i < n; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(destination[pos..], keys[i]);
            BinaryPrimitives.WriteUInt16LittleEndian(destination[(pos + 2)..], (ushort)(containers[i].Cardinality - 1));
            pos += 4;
        }

        var dataStart = pos + (4 * n);
        var offset = dataStart;
        for (var i = 0; i < n; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(destination[pos..], offset);
            pos += 4;
            offset += containers[i].IsBitmap ? 8192 : 2 * containers[i].Cardinality;
        }

        foreach (var c in containers)
        {
            pos += c.WriteTo(destination[pos..]);
        }

        return pos;
    }

    /// <summary>
    /// Reads one bitmap from the start of <paramref name="source"/>; <paramref name="consumed"/> is its length.
    /// Every length is checked against the input, so corrupt bytes fail with a FormatException instead of a large allocation.
    /// </summary>
    public static RoaringBitmap Deserialize(ReadOnlySpan<byte> source, out int consumed)
    {
        var bitmap = new RoaringBitmap();
        Need(source, 4, "the cookie");
        var cookie = BinaryPrimitives.ReadUInt32LittleEndian(source);
        int n;
        int pos;
        ReadOnlySpan<byte> runFlags = default;
        bool hasOffsets;
        if (cookie == SerialCookieNoRunContainer)
        {
            Need(source, 8, "the container count");
            n = BinaryPrimitives.ReadInt32LittleEndian(source[4..]);
            if (n is < 0 or > 65536)
            {
                throw new FormatException($"Roaring bitmap declares {n} containers; at most 65536 are possible.");
            }

            pos = 8;
            hasOffsets = true;
        }
        else if ((cookie & 0xFFFF) == SerialCookie)
        {
            n = (int)(cookie >> 16) + 1;
            var flagBytes = (n + 7) / 8;
            Need(source, 4 + flagBytes, "the run-container flags");
            runFlags = source.Slice(4, flagBytes);
            pos = 4 + flagBytes;
            hasOffsets = n >= NoOffsetThreshold;
        }
        else
        {
            throw new FormatException($"Unknown Roaring cookie 0x{cookie:X8}; expected {SerialCookieNoRunContainer} or {SerialCookie} (portable format).");
        }

        Need(source, pos + (4 * n), "the container headers");
        var header = source.Slice(pos, 4 * n);
        pos += 4 * n;
        if (hasOffsets)
        {
            Need(source, pos + (4 * n), "the container offsets");
            pos += 4 * n;
        }

        var previousKey = -1;
        for (var i = 0; i < n; i++)
        {
            var key = BinaryPrimitives.ReadUInt16LittleEndian(header[(4 * i)..]);
            if (key <= previousKey)
            {
                throw new FormatException($"Roaring container keys must ascend; container {i} has key {key} after {previousKey}.");
            }

            previousKey = key;
            var cardinality = BinaryPrimitives.ReadUInt16LittleEndian(header[((4 * i) + 2)..]) + 1;
            var isRun = !runFlags.IsEmpty && (runFlags[i / 8] & (1 << (i % 8))) != 0;
            Container c;
            if (isRun)
            {
                Need(source, pos + 2, $"the run count of container {i}");
                var runs = BinaryPrimitives.ReadUInt16LittleEndian(source[pos..]);
                pos += 2;
                Need(source, pos + (4 * runs), $"the runs of container {i}");
                c = Container.FromRuns(source.Slice(pos, 4 * runs), runs);
                pos += 4 * runs;
            }
            else if (cardinality <= ArrayMaxCardinality)
            {
                Need(source, pos + (2 * cardinality), $"the values of array container {i}");
                c = Container.FromArray(source.Slice(pos, 2 * cardinality), cardinality);
                pos += 2 * cardinality;
            }
            else
            {
                Need(source, pos + 8192, $"bitmap container {i}");
                c = Container.FromBitmap(source.Slice(pos, 8192));
                pos += 8192;
            }

            bitmap.keys.Add(key);
            bitmap.containers.Add(c);
        }

        consumed = pos;
        return bitmap;
    }

    private static void Need(ReadOnlySpan<byte> source, int length, string what)
    {
        if (source.Length < length)
        {
            throw new FormatException($"Roaring bitmap is truncated: {what} needs {length} bytes but only {source.Length} remain.");
        }
    }

    /// <summary>A 16-bit container: a sorted array while small, a 1024-word bitmap once it exceeds 4096 values.</summary>
    private sealed class Container
    {
        private ushort[]? array = new ushort[4];
        private ulong[]? bits;

        public int Cardinality { get; private set; }

        public bool IsBitmap => bits is not null;

        public static Container FromArray(ReadOnlySpan<byte> data, int cardinality)
        {
            var c = new Container { array = new ushort[Math.Max(4, cardinality)] };
            var previous = -1;
            for (var i = 0; i < cardinality; i++)
            {
                var v = BinaryPrimitives.ReadUInt16LittleEndian(data[(2 * i)..]);
                if (v <= previous)
                {
                    throw new FormatException("Roaring array container values must ascend strictly.");
                }

                previous = v;
                c.array![i] = v;
            }

            c.Cardinality = cardinality;
            return c;
        }

        public static Container FromBitmap(ReadOnlySpan<byte> data)
        {
            var c = new Container { array = null, bits = new ulong[1024] };
            var card = 0;
            for (var i = 0; i < 1024; i++)
            {
                var w = BinaryPrimitives.ReadUInt64LittleEndian(data[(8 * i)..]);
                c.bits[i] = w;
                card += BitOperations.PopCount(w);
            }

            c.Cardinality = card;
            return c;
        }

        public static Container FromRuns(ReadOnlySpan<byte> data, int runs)
        {
            var c = new Container();
            for (var r = 0; r < runs; r++)
            {
                int start = BinaryPrimitives.ReadUInt16LittleEndian(data[(4 * r)..]);
                int length = BinaryPrimitives.ReadUInt16LittleEndian(data[((4 * r) + 2)..]);
                if (start + length > ushort.MaxValue)
                {
                    throw new FormatException($"Roaring run {r} ({start}+{length}) runs past 65535.");
                }

                for (var v = start; v <= start + length; v++)
                {
                    c.Add((ushort)v);
                }
            }

            return c;
        }

        public Container Clone() => new()
        {
            array = array is null ? null : (ushort[])array.Clone(),
            bits = bits is null ? null : (ulong[])bits.Clone(),
            Cardinality = Cardinality,
        };

        public bool Contains(ushort v) =>
            bits is not null ? (bits[v >> 6] & (1UL << (v & 63))) != 0 : Array.BinarySearch(array!, 0, Cardinality, v) >= 0;

        public void Add(ushort v)
        {
            if (bits is not null)
            {
                ref var w = ref bits[v >> 6];
                var mask = 1UL << (v & 63);
                if ((w & mask) == 0)
                {
                    w |= mask;
                    Cardinality++;
                }

                return;
            }

            var i = Array.BinarySearch(array!, 0, Cardinality, v);
            if (i >= 0)
            {
                return;
            }

            i = ~i;
            if (Cardinality == ArrayMaxCardinality)
            {
                ToBitmap();
                Add(v);
                return;
            }

            if (Cardinality == array!.Length)
            {
                Array.Resize(ref array, Math.Min(ArrayMaxCardinality, array.Length * 2));
            }

            Array.Copy(array, i, array, i + 1, Cardinality - i);
            array[i] = v;
            Cardinality++;
        }

        public void UnionWith(Container other)
        {
            foreach (var v in other.Values())
            {
                Add((ushort)v);
            }
        }

        public IEnumerable<uint> Values()
        {
            if (bits is not null)
            {
                for (var i = 0; i < 1024; i++)
                {
                    var w = bits[i];
                    while (w != 0)
                    {
                        var t = BitOperations.TrailingZeroCount(w);
                        yield return (uint)((i << 6) + t);
                        w &= w - 1;
                    }
                }
            }
            else
            {
                for (var i = 0; i < Cardinality; i++)
                {
                    yield return array![i];
                }
            }
        }

        public int WriteTo(Span<byte> destination)
        {
            if (bits is not null)
            {
                for (var i = 0; i < 1024; i++)
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(destination[(8 * i)..], bits[i]);
                }

                return 8192;
            }

            for (var i = 0; i < Cardinality; i++)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(destination[(2 * i)..], array![i]);
            }

            return 2 * Cardinality;
        }

        private void ToBitmap()
        {
            var b = new ulong[1024];
            for (var i = 0; i < Cardinality; i++)
            {
                var v = array![i];
                b[v >> 6] |= 1UL << (v & 63);
            }

            bits = b;
            array = null;
        }
    }
}
