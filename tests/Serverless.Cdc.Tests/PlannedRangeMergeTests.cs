using System.Globalization;
using Serverless.Cdc.Snapshot;

namespace Serverless.Cdc.Tests;

public sealed class PlannedRangeMergeTests
{
    private static IReadOnlyList<KeyValue>? Bound(int? value) =>
        value is { } v ? [new KeyValue(KeyValueKind.Number, v.ToString(CultureInfo.InvariantCulture))] : null;

    /// <summary>Ranges tiling the keys with the given rows each: [-inf, 1), [1, 2), ..., [n-1, +inf).</summary>
    private static List<PlannedRange> Tiling(params long[] rows) =>
        rows.Select((r, i) => new PlannedRange(Bound(i == 0 ? null : i), Bound(i == rows.Length - 1 ? null : i + 1), r)).ToList();

    [Fact]
    public void NearEmptyRunsJoinUpToAChunk()
    {
        var merged = PlannedRange.MergeSmall(Tiling(300, 0, 0, 400, 300, 1000, 1, 1), 1000);

        Assert.Equal([1000, 1002], merged.Select(r => r.Rows));
    }

    [Fact]
    public void SmallRemainderFoldsIntoItsNeighbourWithinOneAndAHalfChunks()
    {
        Assert.Equal([1000, 1000, 1400], PlannedRange.MergeSmall(Tiling(1000, 1000, 1000, 400), 1000).Select(r => r.Rows));
        Assert.Equal([1400, 1000], PlannedRange.MergeSmall(Tiling(400, 1000, 1000), 1000).Select(r => r.Rows));

        // Folding would make a chunk over 1.5 chunks: the small range stays on its own.
        Assert.Equal([1300, 400], PlannedRange.MergeSmall(Tiling(1300, 400), 1000).Select(r => r.Rows));
    }

    [Fact]
    public void MergingKeepsTheTilingAndTheRowsForEveryShapeOfSmallInput()
    {
        var sizes = new long[] { 0, 1, 499, 500, 999, 1000, 1400, 2000 };
        for (var n = 1; n <= 4; n++)
        {
            var total = (int)Math.Pow(sizes.Length, n);
            for (var code = 0; code < total; code++)
            {
                var rows = new long[n];
                for (int i = 0, c = code; i < n; i++, c /= sizes.Length)
                {
                    rows[i] = sizes[c % sizes.Length];
                }

                var merged = PlannedRange.MergeSmall(Tiling(rows), 1000);

                Assert.Null(merged[0].Lower);
                Assert.Null(merged[^1].Upper);
                for (var i = 1; i < merged.Count; i++)
                {
                    Assert.Equal(merged[i - 1].Upper, merged[i].Lower);
                }

                Assert.Equal(rows.Sum(), merged.Sum(r => r.Rows));

                // What is left apart could not be joined: together over a chunk, and over 1.5 chunks when one is small.
                for (var i = 1; i < merged.Count; i++)
                {
                    var together = merged[i - 1].Rows + merged[i].Rows;
                    Assert.True(together > 1000, string.Join(",", rows));
                    Assert.True(together > 1500 || (merged[i - 1].Rows >= 500 && merged[i].Rows >= 500), string.Join(",", rows));
                }
            }
        }
    }
}
