namespace Serverless.Cdc.Schema.Evolution;

/// <summary>
/// A source table's columns and key being changed clause by clause, the way the server changes them: columns keep their
/// order unless placed FIRST or AFTER another, renames carry into the key, and <see cref="Build"/> numbers them again so
/// row images (in column order) line up with the mapping.
/// </summary>
internal sealed class SourceTableEdit(SourceTable table)
{
    private readonly List<SourceColumn> columns = [.. table.Columns];

    public SourceTable Original { get; } = table;

    public List<string> Key { get; } = [.. table.KeyColumns];

    public bool KeyChanged { get; set; }

    /// <summary>The character set new text columns get when they name none: the table's other text columns' (the table default is not known here).</summary>
    public string? TextCharacterSet => columns.Select(c => c.CharacterSet).FirstOrDefault(c => c is not null);

    public SourceColumn? Find(string name) => columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    public bool IsKey(string name) => Key.Contains(name, StringComparer.OrdinalIgnoreCase);

    public void Insert(SourceColumn column, ColumnPlacement placement)
    {
        if (placement.First)
        {
            columns.Insert(0, column);
        }
        else if (placement.After is { } after)
        {
            columns.Insert(IndexOf(after) + 1, column);
        }
        else
        {
            columns.Add(column);
        }
    }

    public void Remove(string name) => columns.RemoveAt(IndexOf(name));

    /// <summary>Replaces column <paramref name="name"/> (CHANGE/MODIFY/RENAME COLUMN): in its place, or where <paramref name="placement"/> puts it.</summary>
    public void Replace(string name, SourceColumn column, ColumnPlacement placement)
    {
        var at = IndexOf(name);
        var old = columns[at];
        if (placement == ColumnPlacement.Default)
        {
            columns[at] = column;
        }
        else
        {
            columns.RemoveAt(at);
            Insert(column, placement);
        }

        var keyAt = Key.FindIndex(k => string.Equals(k, old.Name, StringComparison.OrdinalIgnoreCase));
        if (keyAt >= 0)
        {
            Key[keyAt] = column.Name;
        }
    }

    public SourceTable Build() => Original with
    {
        Columns = columns.Select((c, i) => c with { Ordinal = i + 1 }).ToArray(),
        KeyColumns = Key.ToArray(),
        KeySource = KeyChanged && Original.KeySource != TableKeySource.Override ? TableKeySource.PrimaryKey : Original.KeySource,
        KeyIndex = KeyChanged && Original.KeySource != TableKeySource.Override ? "PRIMARY" : Original.KeyIndex,
    };

    private int IndexOf(string name)
    {
        var at = columns.FindIndex(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
        return at >= 0
            ? at
            : throw new TableNeedsSnapshotException(
                $"Table {Original.QualifiedName}: the DDL names column '{name}', which the writer's schema of the table ({string.Join(", ", columns.Select(c => c.Name))}) does not have. " +
                "The writer's mapping no longer follows the source; re-snapshot the table.");
    }
}
