namespace Serverless.Cdc.Verify;

/// <summary>
/// A row that differs: its key (<c>col=value, ...</c>) and the values concerned, both sides, as the canonical forms read
/// (<see cref="CanonicalColumn.Display"/>): every column for a missing, extra or duplicate row, the differing ones otherwise.
/// </summary>
public sealed record RowDifference(DifferenceKind Kind, string Key, IReadOnlyList<ColumnDifference> Columns);

/// <summary>One column of a <see cref="RowDifference"/>: the source's and the lake's value (null where the row is absent).</summary>
public sealed record ColumnDifference(string Column, string? Source, string? Lake);
