namespace Serverless.Cdc.Schema;

/// <summary>
/// A source table with its columns (in table order), the key the pipeline uses to identify rows, and the size
/// estimates information_schema.TABLES gives. Serializable: activities take it as input.
/// </summary>
public sealed record SourceTable
{
    public required string Database { get; init; }

    public required string Name { get; init; }

    public required IReadOnlyList<SourceColumn> Columns { get; init; }

    /// <summary>The key columns in key order, or empty when the table has no usable key (see <see cref="KeySource"/>).</summary>
    public IReadOnlyList<string> KeyColumns { get; init; } = [];

    public TableKeySource KeySource { get; init; }

    /// <summary>The name of the index that backs the key (PRIMARY, a unique index), or null for an override without one.</summary>
    public string? KeyIndex { get; init; }

    /// <summary>TABLE_ROWS: the engine's row estimate (InnoDB's can be off by tens of percent).</summary>
    public long RowEstimate { get; init; }

    /// <summary>DATA_LENGTH in bytes.</summary>
    public long DataLength { get; init; }

    public string? Engine { get; init; }

    /// <summary><c>db.table</c>, the form patterns, key overrides and renames use.</summary>
    public string QualifiedName => Database + "." + Name;

    public bool HasKey => KeyColumns.Count > 0;

    public SourceColumn Column(string name) =>
        Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new KeyNotFoundException($"Table {QualifiedName} has no column '{name}'.");

    /// <summary>The key's columns as <see cref="SourceColumn"/>s, in key order.</summary>
    public IReadOnlyList<SourceColumn> KeyColumnDefinitions() => KeyColumns.Select(Column).ToArray();

    public override string ToString() => QualifiedName;
}

/// <summary>Where a table's key comes from.</summary>
public enum TableKeySource
{
    /// <summary>No primary key, no unique not-null key, no override: the table cannot be replicated by key.</summary>
    None,

    PrimaryKey,

    /// <summary>The smallest unique index whose columns are all NOT NULL (and not prefix-indexed).</summary>
    UniqueNotNull,

    /// <summary>Columns named in the job spec's <c>keys</c>.</summary>
    Override,
}
