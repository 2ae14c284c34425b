namespace Serverless.Cdc.Snapshot;

/// <summary>A key range [<see cref="Lower"/>, <see cref="Upper"/>) the planner has settled on, with its expected rows.</summary>
internal sealed record PlannedRange(IReadOnlyList<KeyValue>? Lower, IReadOnlyList<KeyValue>? Upper, long Rows)
{
    /// <summary>
    /// Joins neighbouring ranges so that no chunk is needlessly small: neighbours whose rows together fit in a chunk
    /// (runs of near-empty ranges over sparse ids), and a range under half a chunk with a neighbour while the two stay
    /// within one and a half chunks (the remainder after sampled or sub-split ranges). Joining keeps the tiling: the
    /// joined range runs from the first one's lower to the second one's upper bound.
    /// </summary>
    public static List<PlannedRange> MergeSmall(IReadOnlyList<PlannedRange> ranges, long chunkRows)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkRows, 1);
        var small = chunkRows / 2;
        var foldLimit = chunkRows + small;
        var merged = new List<PlannedRange>(ranges.Count);
        foreach (var range in ranges)
        {
            if (merged.Count > 0)
            {
                var last = merged[^1];
                var rows = last.Rows + range.Rows;
                if (rows <= chunkRows || ((last.Rows < small || range.Rows < small) && rows <= foldLimit))
                {
                    merged[^1] = new PlannedRange(last.Lower, range.Upper, rows);
                    continue;
                }
            }

            merged.Add(range);
        }

        return merged;
    }
}
