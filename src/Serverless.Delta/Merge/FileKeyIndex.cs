using Serverless.Delta.Actions;
using Serverless.Delta.Log;
using Serverless.Delta.Scanning;
using Serverless.Delta.Schema;
using Serverless.Delta.Transactions;

namespace Serverless.Delta.Merge;

/// <summary>
/// The key and position of every row of one data file (deleted rows included: deletion vectors change, the file does
/// not), so a merge reads a candidate file's key columns once per writer and then looks keys up by hash. Keys and
/// positions are held unboxed where their types allow (<see cref="FileKeyRows"/>, <see cref="FilePositions"/>).
/// </summary>
internal sealed class FileKeyIndex
{
    private readonly FileKeyRows keys;
    private readonly FilePositions positions;

    private FileKeyIndex(FileKeyRows keys, FilePositions positions)
    {
        this.keys = keys;
        this.positions = positions;
    }

    public int RowCount => positions.Count;

    public object? PositionAt(int row) => positions.At(row);

    /// <summary>Rows of the file holding <paramref name="key"/> (usually none or one).</summary>
    public void FindRows(MergeKey key, List<int> rows) => keys.Find(key, rows);

    /// <param name="general">Index every key as boxed values, as for a composite key (tests compare it with the typed index).</param>
    public static async Task<FileKeyIndex> BuildAsync(Snapshot snapshot, AddFile file, IReadOnlyList<StructField> keyFields, StructField positionField, CancellationToken cancellationToken, bool general = false)
    {
        var names = new string[keyFields.Count + 1];
        for (var i = 0; i < keyFields.Count; i++)
        {
            names[i] = keyFields[i].Name;
        }

        names[^1] = positionField.Name;
        var scan = new DeltaScan(snapshot).Select(names);
        var capacity = (int)Math.Clamp(DeltaTransaction.StatsNumRecords(file.Stats) ?? 0, 0, Array.MaxLength);
        var keys = FileKeyRows.For(keyFields, capacity, general);
        var positions = new FilePositions(positionField.Type, capacity);

        // The scan flags deleted rows, but the index ignores them: it describes the immutable file, not one version of it.
        await foreach (var batch in scan.ReadFileAsync(file with { DeletionVector = null }, cancellationToken).ConfigureAwait(false))
        {
            if (batch.FirstRowIndex != positions.Count)
            {
                throw new DeltaException($"Data file '{file.Path}' was read out of row order (a batch starting at row {batch.FirstRowIndex} after {positions.Count} rows).");
            }

            keys.AddBatch(batch, positions.Count);
            positions.AddBatch(batch, keyFields.Count);
        }

        return new FileKeyIndex(keys, positions);
    }
}
