using Serverless.Delta.Scanning;

namespace Serverless.Delta.Merge;

/// <summary>
/// The rows of a file by a single integral key column: a long-keyed map to the first row, lists for the rare key that
/// is in the file more than once, and the rows whose key is null. About 30 bytes a row instead of a key array, a boxed
/// value and a dictionary entry (some 100 bytes, and a million objects for the GC to trace per million-row file).
/// </summary>
internal sealed class IntegerKeyRows : FileKeyRows
{
    private readonly Dictionary<long, int> firstRow;
    private Dictionary<long, List<int>>? moreRows;
    private List<int>? nullRows;

    public IntegerKeyRows(int capacity) => firstRow = new Dictionary<long, int>(capacity);

    public override void AddBatch(ScanBatch batch, int firstRow)
    {
        var keys = new IntegralColumn(batch, 0);
        for (var r = 0; r < batch.RowCount; r++)
        {
            if (keys.TryRead(r, out var key))
            {
                Add(this.firstRow, ref moreRows, key, firstRow + r);
            }
            else
            {
                (nullRows ??= []).Add(firstRow + r);
            }
        }
    }

    public override void Find(MergeKey key, List<int> rows)
    {
        rows.Clear();
        var value = key.Values[0];
        if (value is null)
        {
            rows.AddRange(nullRows ?? []);
        }
        else if (IntegralColumn.TryConvert(value, out var k))
        {
            Find(firstRow, moreRows, k, rows);
        }
    }
}
