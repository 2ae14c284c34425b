using Serverless.Cdc.Schema;
using Serverless.Delta.Scanning;
using Serverless.MySql.Client;
using DeltaSnapshot = Serverless.Delta.Log.Snapshot;

namespace Serverless.Cdc.Verify;

/// <summary>
/// The lake side of a verification: reads one Delta version of a table (live files, deletion vectors applied), computes
/// each row's canonical fields and checksum as the source does, places the row in one of the ranges being compared by
/// the source's key order, and sums up each range, keeping the rows of the ranges narrowed far enough to compare row by row.
/// </summary>
internal sealed class LakeRangeScanner
{
    private const int KeyBatch = 1024;
    private readonly DeltaSnapshot snapshot;
    private readonly IReadOnlyList<CanonicalColumn> columns;
    private readonly int[] keyOrdinals;
    private readonly KeyOrder order;
    private readonly MySqlConnection weights;
    private readonly bool skipSoftDeleted;

    /// <param name="skipSoftDeleted">Leave out rows whose <c>_cdc_deleted</c> is true (soft delete keeps deleted rows in the lake).</param>
    public LakeRangeScanner(DeltaSnapshot snapshot, IReadOnlyList<CanonicalColumn> columns, int[] keyOrdinals, KeyOrder order, MySqlConnection weights, bool skipSoftDeleted)
    {
        this.snapshot = snapshot;
        this.columns = columns;
        this.keyOrdinals = keyOrdinals;
        this.order = order;
        this.weights = weights;
        this.skipSoftDeleted = skipSoftDeleted;
    }

    public long Version => snapshot.Version;

    /// <summary>
    /// Sums up the lake rows of each of <paramref name="ranges"/> (disjoint, sorted by <see cref="KeyRange.CompareLower"/>)
    /// and keeps the rows of those at the indexes in <paramref name="collect"/>; rows in no range are skipped.
    /// </summary>
    public async Task<LakeScanResult> ScanAsync(IReadOnlyList<KeyRange> ranges, IReadOnlySet<int> collect, CancellationToken cancellationToken)
    {
        var result = new LakeScanResult(ranges.Count);
        foreach (var i in collect)
        {
            result.Rows[i] = [];
        }

        var names = columns.Select(c => c.Name);
        var scan = new DeltaScan(snapshot).Select((skipSoftDeleted ? names.Append(CdcColumns.Deleted) : names).ToArray());
        if (order.IsIntegerLed && Envelope(ranges) is var (min, max) && (min is not null || max is not null))
        {
            // Narrowed ranges cover part of the key space: skip the files whose key statistics lie outside all of them
            // (the snapshot writes each chunk's rows in key order, so most files fall away).
            scan.WhereBetween(columns[keyOrdinals[0]].Name, min, max);
        }

        var pending = new List<string?[]>(KeyBatch);
        var pendingKeys = new List<object?[]>(KeyBatch);
        await foreach (var values in scan.ReadRowsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (skipSoftDeleted && values[columns.Count] is true)
            {
                continue;
            }

            var fields = new string?[columns.Count];
            for (var c = 0; c < fields.Length; c++)
            {
                fields[c] = columns[c].Format(values[c]);
            }

            pending.Add(fields);
            pendingKeys.Add(keyOrdinals.Select(k => values[k]).ToArray());
            if (pending.Count == KeyBatch)
            {
                await PlaceAsync(ranges, pending, pendingKeys, result, cancellationToken).ConfigureAwait(false);
            }
        }

        await PlaceAsync(ranges, pending, pendingKeys, result, cancellationToken).ConfigureAwait(false);
        return result;
    }

    private async Task PlaceAsync(IReadOnlyList<KeyRange> ranges, List<string?[]> rows, List<object?[]> keyValues, LakeScanResult result, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var keys = await order.LakeKeysAsync(weights, keyValues, cancellationToken).ConfigureAwait(false);
        for (var r = 0; r < rows.Count; r++)
        {
            result.Total++;
            var i = Find(ranges, keys[r]);
            if (i < 0)
            {
                continue;
            }

            result.Checksums[i] = result.Checksums[i].Add(CanonicalRow.Checksum(rows[r]));
            result.Rows[i]?.Add(rows[r]);
            if (order.IsIntegerLed && keys[r][0].IsNumber)
            {
                var lead = keys[r][0].Number;
                result.LeadingMin[i] = result.LeadingMin[i] is { } min && min <= lead ? min : lead;
                result.LeadingMax[i] = result.LeadingMax[i] is { } max && max >= lead ? max : lead;
            }
        }

        rows.Clear();
        keyValues.Clear();
    }

    /// <summary>The smallest and largest value of the integer first key column any of the ranges can hold (null where one is open).</summary>
    private static (object? Min, object? Max) Envelope(IReadOnlyList<KeyRange> ranges)
    {
        if (ranges.Count == 0)
        {
            return (null, null);
        }

        // Upper bounds are exclusive; taking them as inclusive only keeps a file more.
        var min = ranges.Any(r => r.LowerParts is null) ? (decimal?)null : (decimal)ranges.Min(r => r.LowerParts![0].Number);
        var max = ranges.Any(r => r.UpperParts is null) ? (decimal?)null : (decimal)ranges.Max(r => r.UpperParts![0].Number);
        return (min, max);
    }

    /// <summary>The range holding <paramref name="key"/>: the last one whose lower bound is at or below it, if its upper bound is above it.</summary>
    private static int Find(IReadOnlyList<KeyRange> ranges, KeyPart[] key)
    {
        int lo = 0, hi = ranges.Count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var lower = ranges[mid].LowerParts;
            if (lower is null || KeyPart.CompareToBound(key, lower) >= 0)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found >= 0 && ranges[found].Contains(key) ? found : -1;
    }
}
