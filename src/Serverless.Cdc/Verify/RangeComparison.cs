using System.Globalization;
using Serverless.Cdc.Snapshot;

namespace Serverless.Cdc.Verify;

/// <summary>
/// One pass of a table's verification: checksums ranges on both sides, splits the ones that differ and compares the
/// rows of those narrowed far enough, level by level (one lake scan per level, for all its ranges).
/// </summary>
internal sealed class RangeComparison
{
    /// <summary>Differences described row by row per pass (at least; all are counted): bounds memory, not the report.</summary>
    private const int KeptDifferences = 10_000;

    /// <summary>
    /// Missing and extra rows held for pairing up across ranges; beyond this many they are reported at once (a pairing
    /// only matters for the rare key whose weights and collation disagree).
    /// </summary>
    private const int PairedRowsAtMost = 100_000;

    private readonly SourceRangeReader source;
    private readonly IReadOnlyList<CanonicalColumn> columns;
    private readonly int[] keyOrdinals;
    private readonly KeyOrder order;
    private readonly VerifyOptions options;

    public RangeComparison(SourceRangeReader source, IReadOnlyList<CanonicalColumn> columns, int[] keyOrdinals, KeyOrder order, VerifyOptions options)
    {
        this.source = source;
        this.columns = columns;
        this.keyOrdinals = keyOrdinals;
        this.order = order;
        this.options = options;
    }

    public async Task<PassOutcome> CompareAsync(LakeRangeScanner lake, IReadOnlyList<KeyRange> ranges, CancellationToken cancellationToken)
    {
        var toChecksum = ranges.ToList();
        var toCompare = new List<KeyRange>();
        var missing = new List<string?[]>();
        var extra = new List<string?[]>();
        var differences = new DifferenceTally(Math.Max(options.MaxReportedDifferences, KeptDifferences));
        var differing = new List<KeyRange>();
        long sourceRows = 0;
        long lakeRows = 0;
        var checksummed = 0;
        var level = 0;
        while (toChecksum.Count + toCompare.Count > 0)
        {
            var all = toChecksum.Concat(toCompare).ToList();
            all.Sort(KeyRange.CompareLower);
            var compareSet = toCompare.ToHashSet();
            var collect = Enumerable.Range(0, all.Count).Where(i => compareSet.Contains(all[i])).ToHashSet();
            // The lake scan is this process's work and the checksums the server's: run them side by side.
            var scanning = Task.Run(() => lake.ScanAsync(all, collect, cancellationToken), cancellationToken);
            var summing = SourceChecksumsAsync(all, collect, cancellationToken);
            await Task.WhenAll(scanning, summing).ConfigureAwait(false);
            var scanned = await scanning.ConfigureAwait(false);
            var sourceSums = await summing.ConfigureAwait(false);
            if (level == 0)
            {
                lakeRows = scanned.Total;
            }

            var nextChecksum = new List<KeyRange>();
            var nextCompare = new List<KeyRange>();
            for (var i = 0; i < all.Count; i++)
            {
                var range = all[i];
                if (collect.Contains(i))
                {
                    var before = differences.Total + missing.Count + extra.Count;
                    CompareRows(await source.RowsAsync(range, cancellationToken).ConfigureAwait(false), scanned.Rows[i]!, missing, extra, differences);
                    if (differences.Total + missing.Count + extra.Count > before)
                    {
                        differing.Add(range);
                    }

                    continue;
                }

                var sourceSum = sourceSums[i];
                var lakeSum = scanned.Checksums[i];
                checksummed++;
                if (level == 0)
                {
                    sourceRows += sourceSum.Count;
                }

                if (sourceSum == lakeSum)
                {
                    continue;
                }

                // One side empty: every row of the other differs, and splitting would only find that again.
                if (Math.Max(sourceSum.Count, lakeSum.Count) <= options.CompareRowsAtMost || Math.Min(sourceSum.Count, lakeSum.Count) == 0 || !order.IsIntegerLed)
                {
                    nextCompare.Add(range);
                    continue;
                }

                var (sourceMin, sourceMax) = await source.LeadingBoundsAsync(range, cancellationToken).ConfigureAwait(false);
                var min = Min(sourceMin, scanned.LeadingMin[i]);
                var max = Max(sourceMax, scanned.LeadingMax[i]);
                if (min is not { } low || max is not { } high || low == high)
                {
                    nextCompare.Add(range);
                }
                else
                {
                    nextChecksum.AddRange(Split(range, low, high));
                }
            }

            toChecksum = nextChecksum;
            toCompare = nextCompare;
            level++;
        }

        // A key placed in different ranges on the two sides (a collation corner the weights order differently) shows
        // up as missing in one and extra in another: pair them up by key.
        var extraByKey = new Dictionary<string, string?[]>(StringComparer.Ordinal);
        foreach (var row in extra)
        {
            extraByKey.TryAdd(KeyText(row), row);
        }

        foreach (var row in missing)
        {
            var key = KeyText(row);
            if (extraByKey.Remove(key, out var lakeRow))
            {
                if (!row.SequenceEqual(lakeRow, StringComparer.Ordinal))
                {
                    differences.Add(DifferenceKind.Different, () => Different(row, lakeRow));
                }
            }
            else
            {
                differences.Add(DifferenceKind.Missing, () => Whole(DifferenceKind.Missing, row, fromSource: true));
            }
        }

        foreach (var row in extraByKey.Values)
        {
            differences.Add(DifferenceKind.Extra, () => Whole(DifferenceKind.Extra, row, fromSource: false));
        }

        differing.Sort(KeyRange.CompareLower);
        return new PassOutcome
        {
            Differences = differences,
            DifferingRanges = differing,
            SourceRows = sourceRows,
            LakeRows = lakeRows,
            RangesChecksummed = checksummed,
        };
    }

    /// <summary>The source's checksum of each range not in <paramref name="collect"/>, one query at a time.</summary>
    private async Task<RangeChecksum[]> SourceChecksumsAsync(List<KeyRange> ranges, HashSet<int> collect, CancellationToken cancellationToken)
    {
        var sums = new RangeChecksum[ranges.Count];
        for (var i = 0; i < ranges.Count; i++)
        {
            if (!collect.Contains(i))
            {
                sums[i] = await source.ChecksumAsync(ranges[i], cancellationToken).ConfigureAwait(false);
            }
        }

        return sums;
    }

    private void CompareRows(IReadOnlyList<string?[]> sourceRows, List<string?[]> lakeRows, List<string?[]> missing, List<string?[]> extra, DifferenceTally differences)
    {
        var bySourceKey = new Dictionary<string, string?[]>(sourceRows.Count, StringComparer.Ordinal);
        foreach (var row in sourceRows)
        {
            bySourceKey[KeyText(row)] = row;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in lakeRows)
        {
            var key = KeyText(row);
            if (!seen.Add(key))
            {
                differences.Add(DifferenceKind.Duplicate, () => Whole(DifferenceKind.Duplicate, row, fromSource: false));
            }
            else if (bySourceKey.Remove(key, out var sourceRow))
            {
                if (!sourceRow.SequenceEqual(row, StringComparer.Ordinal))
                {
                    differences.Add(DifferenceKind.Different, () => Different(sourceRow, row));
                }
            }
            else if (extra.Count < PairedRowsAtMost)
            {
                extra.Add(row);
            }
            else
            {
                differences.Add(DifferenceKind.Extra, () => Whole(DifferenceKind.Extra, row, fromSource: false));
            }
        }

        foreach (var row in bySourceKey.Values)
        {
            if (missing.Count < PairedRowsAtMost)
            {
                missing.Add(row);
            }
            else
            {
                differences.Add(DifferenceKind.Missing, () => Whole(DifferenceKind.Missing, row, fromSource: true));
            }
        }
    }

    /// <summary>Splits a range on its integer first key column into pieces over [<paramref name="min"/>, <paramref name="max"/>], keeping its own outer bounds.</summary>
    private List<KeyRange> Split(KeyRange range, Int128 min, Int128 max)
    {
        var pieces = IntegerKeyRange.Split(min, max, options.SplitWays);
        var result = new List<KeyRange>(pieces.Count);
        for (var i = 0; i < pieces.Count; i++)
        {
            var p = pieces[i];
            result.Add(new KeyRange(
                i == 0 ? range.Lower : Bound(p.Lower!.Value),
                i == pieces.Count - 1 ? range.Upper : Bound(p.Upper!.Value),
                i == 0 ? range.LowerParts : [KeyPart.FromNumber(p.Lower!.Value)],
                i == pieces.Count - 1 ? range.UpperParts : [KeyPart.FromNumber(p.Upper!.Value)]));
        }

        return result;
    }

    private static KeyValue[] Bound(Int128 value) => [new KeyValue(KeyValueKind.Number, value.ToString(CultureInfo.InvariantCulture))];

    private static Int128? Min(Int128? a, Int128? b) => a is null ? b : b is null ? a : Int128.Min(a.Value, b.Value);

    private static Int128? Max(Int128? a, Int128? b) => a is null ? b : b is null ? a : Int128.Max(a.Value, b.Value);

    private string KeyText(string?[] row) => CanonicalRow.Compose(row, keyOrdinals);

    private string KeyDisplay(string?[] row) =>
        string.Join(", ", keyOrdinals.Select(k => $"{columns[k].Name}={columns[k].Display(row[k])}"));

    private RowDifference Whole(DifferenceKind kind, string?[] row, bool fromSource) => new(
        kind,
        KeyDisplay(row),
        columns.Select((c, i) => new ColumnDifference(c.Name, fromSource ? c.Display(row[i]) : null, fromSource ? null : c.Display(row[i]))).ToList());

    private RowDifference Different(string?[] sourceRow, string?[] lakeRow) => new(
        DifferenceKind.Different,
        KeyDisplay(sourceRow),
        columns
            .Select((c, i) => (c, i))
            .Where(x => !string.Equals(sourceRow[x.i], lakeRow[x.i], StringComparison.Ordinal))
            .Select(x => new ColumnDifference(x.c.Name, x.c.Display(sourceRow[x.i]), x.c.Display(lakeRow[x.i])))
            .ToList());
}
