using Serverless.Delta.Scanning;

namespace Serverless.Delta.Compaction;

/// <summary>
/// A <see cref="NullFill"/> resolved against one file's rewrite: the fill value per output column (null where none), and
/// the row test, dropped when the file's statistics show every row is below the bound.
/// </summary>
internal sealed class ResolvedNullFill(object?[] values, int belowColumn, object? belowValue)
{
    /// <summary>Per output column, the value its nulls become, or null to copy the column as it is.</summary>
    public object?[] Values { get; } = values;

    /// <summary>Nulls replaced so far.</summary>
    public long Filled { get; set; }

    /// <summary>Whether the row is one to fill: below the bound, or any row when there is no bound.</summary>
    public bool Selects(ScanBatch group, int row) =>
        belowColumn < 0 || (group.GetValue(row, belowColumn) is { } ordering && DeltaValues.Compare(ordering, belowValue!) < 0);
}
