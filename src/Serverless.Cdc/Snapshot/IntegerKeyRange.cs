namespace Serverless.Cdc.Snapshot;

/// <summary>
/// One piece of an integer key's MIN..MAX cut into equal ranges: [<see cref="Lower"/>, <see cref="Upper"/>), a null
/// bound open. <see cref="Width"/> counts the key values the range can hold between the planned MIN and MAX, which
/// bounds its rows when the key is unique.
/// </summary>
internal readonly record struct IntegerKeyRange(Int128? Lower, Int128? Upper, Int128 Width)
{
    /// <summary>
    /// Cuts [<paramref name="min"/>, <paramref name="max"/>] into <paramref name="count"/> (or, when the span is
    /// narrower, span) ranges whose widths differ by at most one, so no range is a small remainder; the first range has
    /// no lower and the last no upper bound, so keys written after planning outside MIN..MAX still fall in a range.
    /// </summary>
    public static List<IntegerKeyRange> Split(Int128 min, Int128 max, int count)
    {
        if (max < min)
        {
            throw new ArgumentException($"The key's MAX {max} is below its MIN {min}.", nameof(max));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var span = max - min + 1;
        var pieces = (int)Int128.Min(count, span);
        var ranges = new List<IntegerKeyRange>(pieces);
        Int128? lower = null;
        var from = min;
        for (var i = 1; i < pieces; i++)
        {
            // span * i stays far inside Int128: span is at most 2^64 and i at most int.MaxValue.
            var boundary = min + (span * i / pieces);
            ranges.Add(new IntegerKeyRange(lower, boundary, boundary - from));
            lower = boundary;
            from = boundary;
        }

        ranges.Add(new IntegerKeyRange(lower, null, max + 1 - from));
        return ranges;
    }

    /// <summary>
    /// How many ranges a key spanning MIN..MAX needs for chunks of <paramref name="chunkRows"/> rows, given the table's
    /// row estimate. A unique key holds at most one row per value, so its span bounds the rows; and when the estimate
    /// puts the key at least <see cref="NearDense"/> full, the span is the better count (InnoDB's estimate is off by
    /// tens of percent either way): ranges one chunk of values wide never hold more than a chunk, and a dense key gets
    /// exactly ceil(rows / chunkRows) ranges whatever the estimate says.
    /// </summary>
    public static int Count(Int128 min, Int128 max, long rowEstimate, long chunkRows, bool isUnique, int maxRanges)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkRows, 1);
        var rows = (Int128)Math.Max(rowEstimate, 1);
        if (isUnique && Fill(min, max, rowEstimate) >= 1.0)
        {
            rows = max - min + 1;
        }

        var count = (rows + chunkRows - 1) / chunkRows;
        return (int)Int128.Clamp(count, 1, maxRanges);
    }

    /// <summary>The fraction of its span a unique key must fill by estimate to be planned as dense.</summary>
    public const double NearDense = 0.75;

    /// <summary>
    /// The fraction of a unique key's values in MIN..MAX taken to be rows: the estimate over the span, or 1 (dense)
    /// when that is at least <see cref="NearDense"/>.
    /// </summary>
    public static double Fill(Int128 min, Int128 max, long rowEstimate)
    {
        var fill = Math.Max(rowEstimate, 1) / (double)(max - min + 1);
        return fill >= NearDense ? 1.0 : fill;
    }
}
