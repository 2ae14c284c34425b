using Serverless.Delta.Scanning;
using Serverless.Delta.Schema;

namespace Serverless.Delta.Merge;

/// <summary>The rows of one data file by key value: filled batch by batch from the file's key columns, then asked for keys.</summary>
internal abstract class FileKeyRows
{
    /// <summary>
    /// A single key column of an integral type gets <see cref="IntegerKeyRows"/> (no object per row); any other key
    /// <see cref="ObjectKeyRows"/>. <paramref name="general"/> forces the latter (tests compare the two).
    /// </summary>
    public static FileKeyRows For(IReadOnlyList<StructField> keyFields, int capacity, bool general = false) =>
        !general && keyFields.Count == 1 && IntegralColumn.Fits(keyFields[0].Type)
            ? new IntegerKeyRows(capacity)
            : new ObjectKeyRows(keyFields.Count, capacity);

    /// <summary>Adds the rows of <paramref name="batch"/>, whose first columns are the key columns, as rows <paramref name="firstRow"/> on.</summary>
    public abstract void AddBatch(ScanBatch batch, int firstRow);

    /// <summary>Rows holding <paramref name="key"/> (usually none or one), in the order they were added.</summary>
    public abstract void Find(MergeKey key, List<int> rows);

    /// <summary>Records <paramref name="row"/> under <paramref name="key"/>: the first row of a key in a map, later ones (rare) in lists.</summary>
    protected static void Add<TKey>(Dictionary<TKey, int> firstRow, ref Dictionary<TKey, List<int>>? moreRows, TKey key, int row)
        where TKey : notnull
    {
        if (!firstRow.TryAdd(key, row))
        {
            moreRows ??= [];
            if (!moreRows.TryGetValue(key, out var list))
            {
                moreRows[key] = list = [];
            }

            list.Add(row);
        }
    }

    /// <summary>Appends the rows recorded under <paramref name="key"/> by <see cref="Add"/>.</summary>
    protected static void Find<TKey>(Dictionary<TKey, int> firstRow, Dictionary<TKey, List<int>>? moreRows, TKey key, List<int> rows)
        where TKey : notnull
    {
        if (firstRow.TryGetValue(key, out var first))
        {
            rows.Add(first);
            if (moreRows is not null && moreRows.TryGetValue(key, out var more))
            {
                rows.AddRange(more);
            }
        }
    }
}
