namespace Serverless.Delta.Checkpoints;

/// <summary>The Dremel levels and values of one leaf column across the whole file.</summary>
internal sealed class LeafColumn
{
    private int[] repetition = new int[16];
    private int[] definition = new int[16];
    private object?[] values = new object?[16];
    private int[] rowStarts = [];

    public LeafColumn(ParquetNode node)
    {
        Node = node;
    }

    public ParquetNode Node { get; }

    /// <summary>One slot per level entry: the value when the entry is defined to the leaf, else null.</summary>
    public object?[] Values => values;

    public int Entries { get; private set; }

    /// <summary>Index of each row's first entry, plus a final sentinel (valid after <see cref="Complete"/>).</summary>
    public int[] RowStarts => rowStarts;

    public int DefinitionAt(int entry) => definition[entry];

    public Span<int> Repetition(int start, int count) => repetition.AsSpan(start, count);

    public Span<int> Definition(int start, int count) => definition.AsSpan(start, count);

    public Span<object?> ValuesOf(int start, int count) => values.AsSpan(start, count);

    /// <summary>Makes room for <paramref name="count"/> more entries; returns the first one's index, for a page to decode into.</summary>
    public int Append(int count)
    {
        var needed = (long)Entries + count;
        if (needed > Array.MaxLength)
        {
            throw new FormatException($"Column '{Node.Path}' holds more than {Array.MaxLength} entries.");
        }

        if (needed > values.Length)
        {
            var size = (int)Math.Min(Array.MaxLength, Math.Max(needed, (long)values.Length * 2));
            Array.Resize(ref repetition, size);
            Array.Resize(ref definition, size);
            Array.Resize(ref values, size);
        }

        var start = Entries;
        Entries += count;
        return start;
    }

    /// <summary>Indexes where rows start (repetition level 0) once every page is in.</summary>
    public void Complete()
    {
        var rows = 0;
        for (var i = 0; i < Entries; i++)
        {
            rows += repetition[i] == 0 ? 1 : 0;
        }

        rowStarts = new int[rows + 1];
        var r = 0;
        for (var i = 0; i < Entries; i++)
        {
            if (repetition[i] == 0)
            {
                rowStarts[r++] = i;
            }
        }

        rowStarts[rows] = Entries;
    }
}
