using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Serverless.Cdc.Capture;

namespace Serverless.Cdc.Transport;

/// <summary>
/// Partition keys for change events. By default a table's changes share one key (<c>db.table</c>), so one writer owns
/// each table and lake commits of different writers never touch one table. A hot table can be spread over
/// <c>spread</c> keys (<c>db.table#slot</c>, slot = stable hash of the key values mod spread): every change of one row
/// still goes to one partition, in order. DDL of a spread table goes to all of its keys (<see cref="ForTableSlots"/>),
/// so each of its writers sees the schema change in order with its rows (capture publishes every open batch first, so no row
/// of the older schema follows a copy in any partition). The hash is FNV-1a 64 over the values' kind,
/// bits, aux and bytes, finished with MurmurHash3's 64-bit mixer: stable across processes and versions (unlike <see cref="string.GetHashCode()"/>).
/// </summary>
public static class PartitionKeys
{
    /// <summary>Event Hubs' limit on a partition key's length.</summary>
    public const int MaxLength = 128;

    private const ulong FnvOffset = 14695981039346656037;
    private const ulong FnvPrime = 1099511628211;

    /// <summary>The partition key of a change: its table's key, or with <paramref name="spread"/> &gt; 1 one of its slots.</summary>
    public static string ForChange(ChangeEvent change, int spread = 1)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentOutOfRangeException.ThrowIfLessThan(spread, 1);
        if (spread == 1 || change.Kind == ChangeKind.Ddl)
        {
            return ForTable(change.Database, change.Table);
        }

        var slot = (int)(HashValues(change.Key) % (ulong)spread);
        return ForSlot(change.Database, change.Table, slot);
    }

    public static string ForTable(string database, string table) => Bounded(database + "." + table);

    /// <summary>Every key a table spread over <paramref name="spread"/> slots uses (for its DDL).</summary>
    public static IReadOnlyList<string> ForTableSlots(string database, string table, int spread)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(spread, 1);
        return spread == 1 ? [ForTable(database, table)] : Enumerable.Range(0, spread).Select(s => ForSlot(database, table, s)).ToArray();
    }

    /// <summary>The partition a key maps to in a log of <paramref name="partitionCount"/> partitions (the embedded log's rule).</summary>
    public static int PartitionFor(string partitionKey, int partitionCount)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1);
        return (int)(Mix(Hash(FnvOffset, Encoding.UTF8.GetBytes(partitionKey))) % (ulong)partitionCount);
    }

    /// <summary>A stable 64-bit hash of key values.</summary>
    public static ulong HashValues(IReadOnlyList<ChangeValue> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var h = FnvOffset;
        Span<byte> fixedPart = stackalloc byte[13];
        for (var i = 0; i < values.Count; i++)
        {
            var v = values[i];
            fixedPart[0] = (byte)v.Kind;
            BinaryPrimitives.WriteInt64LittleEndian(fixedPart[1..], v.Bits);
            BinaryPrimitives.WriteInt32LittleEndian(fixedPart[9..], v.Aux);
            h = Hash(h, fixedPart);
            h = Hash(h, v.Bytes.Span);
        }

        return Mix(h);
    }

    private static string ForSlot(string database, string table, int slot) =>
        Bounded(database + "." + table + "#" + slot.ToString(CultureInfo.InvariantCulture));

    // MySQL names reach 64 characters each, so "db.table#slot" can pass Event Hubs' 128; such keys become a hash.
    private static string Bounded(string key) =>
        key.Length <= MaxLength ? key : "h:" + Hash(FnvOffset, Encoding.UTF8.GetBytes(key)).ToString("x16", CultureInfo.InvariantCulture);

    // FNV-1a's low bits depend only on the low bits of each byte; MurmurHash3's finalizer spreads every bit before "mod n".
    private static ulong Mix(ulong h)
    {
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccd;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53;
        return h ^ (h >> 33);
    }

    private static ulong Hash(ulong h, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            h = (h ^ b) * FnvPrime;
        }

        return h;
    }
}
