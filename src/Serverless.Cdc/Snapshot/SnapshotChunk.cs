namespace Serverless.Cdc.Snapshot;

/// <summary>
/// One unit of snapshot work: the rows of a table whose key lies in the half-open range [<see cref="Lower"/>,
/// <see cref="Upper"/>) in the key's order, compared as a row value over the bound's columns: all key columns, or a
/// leading part of them (ranges of a composite key's leading integer column bound that column only). A null bound is open
/// (the first chunk has no lower, the last no upper bound), so rows inserted beyond the planned MIN/MAX are still
/// read. The chunks of a table tile its key space: every row falls in exactly one chunk. Serializable (activity input).
/// </summary>
public sealed record SnapshotChunk
{
    public required string Database { get; init; }

    public required string Table { get; init; }

    /// <summary>0-based position of the chunk in key order.</summary>
    public required int Index { get; init; }

    /// <summary>Chunks the table was split into.</summary>
    public required int Count { get; init; }

    public required IReadOnlyList<string> KeyColumns { get; init; }

    /// <summary>Inclusive lower bound (one value per key column, or per leading key column), or null for no bound.</summary>
    public IReadOnlyList<KeyValue>? Lower { get; init; }

    /// <summary>Exclusive upper bound, or null for no bound.</summary>
    public IReadOnlyList<KeyValue>? Upper { get; init; }

    /// <summary>Rows expected (exact for sampled boundaries, an index estimate for integer ranges).</summary>
    public long RowEstimate { get; init; }

    /// <summary>A stable id, e.g. <c>shop.orders#00003</c>.</summary>
    public string Id => $"{Database}.{Table}#{Index:D5}";

    public override string ToString() =>
        $"{Id} [{(Lower is null ? "-inf" : "(" + string.Join(", ", Lower) + ")")}, {(Upper is null ? "+inf" : "(" + string.Join(", ", Upper) + ")")}) ~{RowEstimate} rows";
}
