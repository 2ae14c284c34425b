using System.Buffers;

namespace Serverless.Parquet.Writing;

/// <summary>
/// Growth and hash-slot helpers on <see cref="ArrayPool{T}.Shared"/> for the writer's per-column scratch, which a
/// snapshot rebuilds for every chunk file: pooled arrays are grown once per process, not once per file.
/// </summary>
internal static class PooledArrays
{
    /// <summary>Makes <paramref name="array"/> hold at least <paramref name="size"/> items, keeping the first <paramref name="used"/>.</summary>
    public static void Grow<T>(ref T[] array, int size, int used)
    {
        if (array.Length >= size)
        {
            return;
        }

        var bigger = ArrayPool<T>.Shared.Rent(size);
        array.AsSpan(0, used).CopyTo(bigger);
        ArrayPool<T>.Shared.Return(array);
        array = bigger;
    }

    /// <summary>Rents <paramref name="count"/> empty (-1) open-addressing slots.</summary>
    public static int[] RentSlots(int count)
    {
        var slots = ArrayPool<int>.Shared.Rent(count);
        slots.AsSpan(0, count).Fill(-1);
        return slots;
    }

    /// <summary>Doubles the slot table and places entries 0..count-1 again by their hashes (linear probing).</summary>
    public static void Rehash(ref int[] slots, ref int slotCount, int count, Func<int, int> hashOf)
    {
        ArrayPool<int>.Shared.Return(slots);
        slotCount *= 2;
        slots = RentSlots(slotCount);
        var mask = slotCount - 1;
        for (var i = 0; i < count; i++)
        {
            var slot = hashOf(i) & mask;
            while (slots[slot] >= 0)
            {
                slot = (slot + 1) & mask;
            }

            slots[slot] = i;
        }
    }
}
