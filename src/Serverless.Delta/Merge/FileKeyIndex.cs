using Serverless.Delta.Actions;
using Serverless.Delta.Log;
using Serverless.Delta.Scanning;
using Serverless.Delta.Schema;

namespace Serverless.Delta.Merge;

/// <summary>
/// The key and position of every row of one data file (deleted rows included: deletion vectors change, the file does
/// not), so a merge reads a candidate file's key columns once per writer and then looks keys up by hash.
/// </summary>
internal sealed class FileKeyIndex
{
    private readonly Dictionary<MergeKey, int> firstRow;
    private readonly Dictionary<MergeKey, List<int>>? moreRows;
    private readonly object?[] positions;

    private FileKeyIndex(Dictionary<MergeKey, int> firstRow, Dictionary<MergeKey, List<int>>? moreRows, object?[] positions)
    {
        this.firstRow = firstRow;
        this.moreRows = moreRows;
        this.positions = positions;
    }

    public int RowCount => positions.Length;

    public object? PositionAt(int row) => positions[row];

    /// <summary>Rows of the file holding <paramref name="key"/> (usually none or one).</summary>
    public void FindRows(MergeKey key, List<int> rows)
    {
        rows.Clear();
        if (firstRow.TryGetValue(key, out var first))
        {
            rows.Add(first);
            if (moreRows is not null && moreRows.TryGetValue(key, out var more))
            {
                rows.AddRange(more);
            }
        }
    }

    public static async Task<FileKeyIndex> BuildAsync(Snapshot snapshot, AddFile file, IReadOnlyList<StructField> keyFields, StructField positionField, CancellationToken cancellationToken)
    {
        var names = new string[keyFields.Count + 1];
        for (var i = 0; i < keyFields.Count; i++)
        {
            names[i] = keyFields[i].Name;
        }

        names[^1] = positionField.Name;
        var scan = new DeltaScan(snapshot).Select(names);
        var firstRow = new Dictionary<MergeKey, int>();
        Dictionary<MergeKey, List<int>>? moreRows = null;
        var positions = new List<object?>();

        // The scan flags deleted rows, but the index ignores them: it describes the immutable file, not one version of it.
        await foreach (var batch in scan.ReadFileAsync(file with { DeletionVector = null }, cancellationToken).ConfigureAwait(false))
        {
            for (var r = 0; r < batch.RowCount; r++)
            {
                var values = new object?[keyFields.Count];
                for (var k = 0; k < values.Length; k++)
                {
                    values[k] = batch.GetValue(r, k);
                }

                var key = new MergeKey(values);
                var row = (int)batch.FirstRowIndex + r;
                if (!firstRow.TryAdd(key, row))
                {
                    moreRows ??= [];
                    if (!moreRows.TryGetValue(key, out var list))
                    {
                        moreRows[key] = list = [];
                    }

                    list.Add(row);
                }

                positions.Add(batch.GetValue(r, keyFields.Count));
            }
        }

        return new FileKeyIndex(firstRow, moreRows, positions.ToArray());
    }
}
