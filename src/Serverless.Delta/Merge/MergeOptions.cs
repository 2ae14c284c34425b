namespace Serverless.Delta.Merge;

/// <summary>The key, the position column and the mode of a <see cref="MergeWriter"/>.</summary>
/// <param name="KeyColumns">Logical names of the key columns (a composite key keeps their order).</param>
/// <param name="PositionColumn">Logical name of the sortable source-position column (e.g. <c>_cdc_position</c>).</param>
public sealed record MergeOptions(IReadOnlyList<string> KeyColumns, string PositionColumn)
{
    /// <summary>Null: merge-on-read when the table supports deletion vectors, else copy-on-write.</summary>
    public MergeMode? Mode { get; init; }

    /// <summary>
    /// True while the table's initial snapshot is still loading: deletes are then kept as tombstones (key, position) so a
    /// late, older snapshot row cannot resurrect a deleted key. False drops the tombstones at the next merge.
    /// </summary>
    public bool KeepTombstones { get; init; } = true;
}
