using Serverless.Delta.Scanning;

namespace Serverless.Delta.Merge;

/// <summary>The rows of a file by any key (composite, string, binary, ...): each row's key values boxed in a <see cref="MergeKey"/>.</summary>
internal sealed class ObjectKeyRows : FileKeyRows
{
    private readonly int keyCount;
    private readonly Dictionary<MergeKey, int> firstRow;
    private Dictionary<MergeKey, List<int>>? moreRows;

    public ObjectKeyRows(int keyCount, int capacity)
    {
        this.keyCount = keyCount;
        firstRow = new Dictionary<MergeKey, int>(capacity);
    }

    public override void AddBatch(ScanBatch batch, int firstRow)
    {
        for (var r = 0; r < batch.RowCount; r++)
        {
            var values = new object?[keyCount];
            for (var k = 0; k < values.Length; k++)
            {
                values[k] = batch.GetValue(r, k);
            }

            Add(this.firstRow, ref moreRows, new MergeKey(values), firstRow + r);
        }
    }

    public override void Find(MergeKey key, List<int> rows)
    {
        rows.Clear();
        Find(firstRow, moreRows, key, rows);
    }
}
