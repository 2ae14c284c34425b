namespace Serverless.Cdc.Writer;

/// <summary>
/// The decoded strings of one text column, remembered by their bytes, so a column of few distinct values (a status, a
/// city) hands every buffered row the same string instead of a new one per change: buffered rows live until their
/// commit, so each string saved is one object less that the GC copies twice. A direct-mapped table of
/// <see cref="Slots"/> entries; a column whose values rarely repeat (an email, a note) stops looking after
/// <see cref="Trial"/> lookups with fewer than one hit in four. Not thread-safe, like the converter that holds it.
/// </summary>
internal sealed class RepeatedText
{
    private const int Slots = 4096;
    private const int Trial = 4096;
    private const int LongestRemembered = 64;
    private readonly byte[]?[] keys = new byte[]?[Slots];
    private readonly string?[] texts = new string?[Slots];
    private int lookups;
    private int hits;
    private int missedSlot = -1;
    private bool off;

    /// <summary>The remembered string of <paramref name="bytes"/>, if any; after a miss, <see cref="Remember"/> stores the decoded one.</summary>
    public bool TryGet(ReadOnlySpan<byte> bytes, out string text)
    {
        missedSlot = -1;
        text = string.Empty;
        if (off || bytes.Length > LongestRemembered)
        {
            return false;
        }

        var h = default(HashCode);
        h.AddBytes(bytes);
        var slot = (int)((uint)h.ToHashCode() % Slots);
        lookups++;
        if (keys[slot] is { } key && key.AsSpan().SequenceEqual(bytes))
        {
            hits++;
            text = texts[slot]!;
            return true;
        }

        if (lookups >= Trial && hits * 4 < lookups)
        {
            // Mostly distinct values: remembering them costs a copy of each and saves nothing.
            off = true;
            Array.Clear(keys);
            Array.Clear(texts);
            return false;
        }

        missedSlot = slot;
        return false;
    }

    /// <summary>Remembers the string decoded after the last <see cref="TryGet"/> missed (its bytes are <paramref name="bytes"/>).</summary>
    public void Remember(ReadOnlySpan<byte> bytes, string text)
    {
        if (missedSlot >= 0)
        {
            keys[missedSlot] = bytes.ToArray();
            texts[missedSlot] = text;
            missedSlot = -1;
        }
    }
}
