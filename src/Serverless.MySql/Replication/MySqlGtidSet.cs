using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Serverless.MySql.Replication;

/// <summary>
/// A MySQL GTID set (<c>uuid:1-5:7-9,uuid2:1-3</c>): for each source server, the transaction numbers executed, kept as
/// sorted, disjoint, non-adjacent intervals so that text and binary forms are canonical.
/// </summary>
public sealed class MySqlGtidSet : IEquatable<MySqlGtidSet>
{
    private readonly SortedDictionary<Guid, List<GtidInterval>> intervalsByServer = new(GuidTextComparer.Instance);

    public MySqlGtidSet()
    {
    }

    public MySqlGtidSet(MySqlGtidSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (uuid, intervals) in other.intervalsByServer)
        {
            intervalsByServer[uuid] = [.. intervals];
        }
    }

    public bool IsEmpty => intervalsByServer.Count == 0;

    public IEnumerable<Guid> ServerUuids => intervalsByServer.Keys;

    public IReadOnlyList<GtidInterval> IntervalsOf(Guid serverUuid) =>
        intervalsByServer.TryGetValue(serverUuid, out var list) ? list : [];

    public bool Contains(MySqlGtid gtid)
    {
        if (!intervalsByServer.TryGetValue(gtid.ServerUuid, out var list))
        {
            return false;
        }

        var index = FindFirstEndingAtOrAfter(list, gtid.TransactionNumber);
        return index < list.Count && list[index].Contains(gtid.TransactionNumber);
    }

    /// <summary>True when every transaction of <paramref name="other"/> is in this set.</summary>
    public bool IsSupersetOf(MySqlGtidSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (uuid, theirs) in other.intervalsByServer)
        {
            if (!intervalsByServer.TryGetValue(uuid, out var mine))
            {
                return false;
            }

            foreach (var interval in theirs)
            {
                var index = FindFirstEndingAtOrAfter(mine, interval.First);
                if (index >= mine.Count || mine[index].First > interval.First || mine[index].Last < interval.Last)
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Adds one transaction; returns false when it was already in the set.</summary>
    public bool Add(MySqlGtid gtid)
    {
        if (Contains(gtid))
        {
            return false;
        }

        Add(gtid.ServerUuid, new GtidInterval(gtid.TransactionNumber, gtid.TransactionNumber));
        return true;
    }

    public void Add(Guid serverUuid, GtidInterval interval)
    {
        if (interval.First < 1 || interval.Last < interval.First)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "GTID intervals start at 1 and end at or after their start.");
        }

        if (!intervalsByServer.TryGetValue(serverUuid, out var list))
        {
            intervalsByServer[serverUuid] = [interval];
            return;
        }

        // Merge with every interval that overlaps or touches the new one.
        var index = FindFirstEndingAtOrAfter(list, interval.First - 1);
        var first = interval.First;
        var last = interval.Last;
        var removeCount = 0;
        while (index + removeCount < list.Count && list[index + removeCount].First <= last + 1)
        {
            var merged = list[index + removeCount];
            first = Math.Min(first, merged.First);
            last = Math.Max(last, merged.Last);
            removeCount++;
        }

        list.RemoveRange(index, removeCount);
        list.Insert(index, new GtidInterval(first, last));
    }

    public void UnionWith(MySqlGtidSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (uuid, intervals) in other.intervalsByServer)
        {
            foreach (var interval in intervals)
            {
                Add(uuid, interval);
            }
        }
    }

    public static MySqlGtidSet Union(MySqlGtidSet left, MySqlGtidSet right)
    {
        var result = new MySqlGtidSet(left);
        result.UnionWith(right);
        return result;
    }

    private static int FindFirstEndingAtOrAfter(List<GtidInterval> list, long number)
    {
        int lo = 0, hi = list.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (list[mid].Last < number)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>Parses the text form MySQL prints for <c>@@gtid_executed</c> (whitespace and newlines allowed).</summary>
    public static MySqlGtidSet Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var set = new MySqlGtidSet();
        foreach (var rawPart in text.Split(','))
        {
            var part = rawPart.Trim();
            if (part.Length == 0)
            {
                continue;
            }

            var pieces = part.Split(':');
            if (pieces.Length < 2 || !Guid.TryParse(pieces[0].Trim(), out var uuid))
            {
                throw new FormatException($"GTID set element '{part}' is not 'server_uuid:interval[:interval...]'.");
            }

            for (var i = 1; i < pieces.Length; i++)
            {
                var piece = pieces[i].Trim();
                if (piece.Length > 0 && !char.IsAsciiDigit(piece[0]))
                {
                    throw new FormatException(
                        $"GTID set element '{part}' uses the tag '{piece}' (MySQL 8.3+ tagged GTIDs), which this reader does not support.");
                }

                var dash = piece.IndexOf('-');
                var firstText = dash < 0 ? piece : piece[..dash];
                var lastText = dash < 0 ? piece : piece[(dash + 1)..];
                if (!long.TryParse(firstText, NumberStyles.None, CultureInfo.InvariantCulture, out var first) ||
                    !long.TryParse(lastText, NumberStyles.None, CultureInfo.InvariantCulture, out var last) ||
                    first < 1 || last < first)
                {
                    throw new FormatException($"GTID set element '{part}' has an invalid interval '{piece}'; expected 'n' or 'first-last' with 1 <= first <= last.");
                }

                set.Add(uuid, new GtidInterval(first, last));
            }
        }

        return set;
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var (uuid, intervals) in intervalsByServer)
        {
            if (sb.Length > 0)
            {
                sb.Append(',');
            }

            sb.Append(uuid.ToString("D"));
            foreach (var interval in intervals)
            {
                sb.Append(':').Append(interval.ToString());
            }
        }

        return sb.ToString();
    }

    /// <summary>Bytes needed by <see cref="Encode"/>: the binary GTID set that COM_BINLOG_DUMP_GTID carries.</summary>
    public int EncodedLength
    {
        get
        {
            var length = 8;
            foreach (var intervals in intervalsByServer.Values)
            {
                length += 16 + 8 + (intervals.Count * 16);
            }

            return length;
        }
    }

    /// <summary>
    /// Writes the binary form: server count (u64), then per server its UUID (16 bytes, RFC order), interval count (u64)
    /// and each interval as start (i64) and exclusive end (i64), all little-endian.
    /// </summary>
    public int Encode(Span<byte> destination)
    {
        if (destination.Length < EncodedLength)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes; the GTID set needs {EncodedLength}.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt64LittleEndian(destination, (ulong)intervalsByServer.Count);
        var offset = 8;
        foreach (var (uuid, intervals) in intervalsByServer)
        {
            uuid.TryWriteBytes(destination.Slice(offset, 16), bigEndian: true, out _);
            offset += 16;
            BinaryPrimitives.WriteUInt64LittleEndian(destination[offset..], (ulong)intervals.Count);
            offset += 8;
            foreach (var interval in intervals)
            {
                BinaryPrimitives.WriteInt64LittleEndian(destination[offset..], interval.First);
                BinaryPrimitives.WriteInt64LittleEndian(destination[(offset + 8)..], interval.Last + 1);
                offset += 16;
            }
        }

        return offset;
    }

    public byte[] Encode()
    {
        var bytes = new byte[EncodedLength];
        Encode(bytes);
        return bytes;
    }

    public static MySqlGtidSet Decode(ReadOnlySpan<byte> source)
    {
        var set = new MySqlGtidSet();
        if (source.Length < 8)
        {
            throw new FormatException($"Binary GTID set is {source.Length} bytes; it needs at least 8 for the server count.");
        }

        var servers = BinaryPrimitives.ReadUInt64LittleEndian(source);
        var offset = 8;
        for (ulong s = 0; s < servers; s++)
        {
            if (source.Length - offset < 24)
            {
                throw new FormatException($"Binary GTID set ends at byte {source.Length} inside server entry {s} of {servers}.");
            }

            var uuid = new Guid(source.Slice(offset, 16), bigEndian: true);
            var count = BinaryPrimitives.ReadUInt64LittleEndian(source[(offset + 16)..]);
            offset += 24;
            if (count > (ulong)(source.Length - offset) / 16)
            {
                throw new FormatException($"Binary GTID set claims {count} intervals for {uuid} but only {source.Length - offset} bytes remain.");
            }

            for (ulong i = 0; i < count; i++)
            {
                var start = BinaryPrimitives.ReadInt64LittleEndian(source[offset..]);
                var end = BinaryPrimitives.ReadInt64LittleEndian(source[(offset + 8)..]);
                offset += 16;
                if (start < 1 || end <= start)
                {
                    throw new FormatException($"Binary GTID set has an invalid interval [{start}, {end}) for {uuid}.");
                }

                set.Add(uuid, new GtidInterval(start, end - 1));
            }
        }

        return set;
    }

    public bool Equals(MySqlGtidSet? other) => other is not null && string.Equals(ToString(), other.ToString(), StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as MySqlGtidSet);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());

    /// <summary>MySQL orders a GTID set's servers by the UUID's text, which differs from <see cref="Guid"/>'s own order.</summary>
    private sealed class GuidTextComparer : IComparer<Guid>
    {
        public static readonly GuidTextComparer Instance = new();

        public int Compare(Guid x, Guid y)
        {
            Span<byte> a = stackalloc byte[16];
            Span<byte> b = stackalloc byte[16];
            x.TryWriteBytes(a, bigEndian: true, out _);
            y.TryWriteBytes(b, bigEndian: true, out _);
            return a.SequenceCompareTo(b);
        }
    }
}
