using Serverless.Delta.Schema;

namespace Serverless.Delta;

/// <summary>How a new table is set up for its readers.</summary>
public enum TableProtocolMode
{
    /// <summary>Reader 3 / writer 7 with deletionVectors and columnMapping (name mode), plus timestampNtz when needed: merge-on-read.</summary>
    Default,

    /// <summary>Reader 1 / writer 2 without features, for older readers: updates rewrite files (copy-on-write).</summary>
    CopyOnWrite,
}

/// <summary>What a new table looks like: columns (logical names and Delta types), partitioning, properties.</summary>
public sealed record TableDefinition(IReadOnlyList<StructField> Columns)
{
    public IReadOnlyList<string> PartitionColumns { get; init; } = [];

    public IReadOnlyDictionary<string, string> Configuration { get; init; } = new Dictionary<string, string>();

    public TableProtocolMode Mode { get; init; } = TableProtocolMode.Default;

    public string? Name { get; init; }

    public string? Description { get; init; }
}
