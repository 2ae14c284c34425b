using System.Diagnostics;
using Serverless.Delta;
using Serverless.Delta.Actions;
using Serverless.Delta.DataFiles;
using Serverless.Delta.DeletionVectors;
using Serverless.Delta.Scanning;
using Serverless.Delta.Schema;
using Serverless.Parquet;
using Serverless.Storage.Local;

namespace Serverless.Bench;

/// <summary>One merge strategy's cost: wall time, bytes it put in the store, files it rewrote, and the table it left.</summary>
public sealed record DeltaMergeFigures(string Strategy, double Seconds, long BytesWritten, int FilesTouched, long RowsAfter, long QtySumAfter);

/// <summary>
/// Merges updates of existing keys into a table, two ways, from identical copies of the table:
/// merge-on-read writes the new row versions to one new file and marks the old ones in deletion vectors (one DV file
/// for all touched files); copy-on-write rewrites every file that holds an updated key. Both find the keys the same
/// way (stats prune the files, then the id column of each candidate file is read). The library has no merge writer,
/// so the merge itself is written here from its parts (DeltaScan, DataFileWriter, DeletionVectorStore, the transaction).
/// </summary>
public static class DeltaMergeBench
{
    private static readonly StructField[] Columns =
    [
        new("id", PrimitiveType.Long, nullable: false),
        new("qty", PrimitiveType.Integer),
        new("amount", new DecimalType(12, 2)),
        new("note", PrimitiveType.String),
    ];

    public static async Task BuildAsync(string folder, int rows, int files)
    {
        var table = await DeltaTable.CreateAsync(new TableLocation(new LocalFolderObjectStore(folder)), new TableDefinition(Columns));
        var writer = new DataFileWriter(table.Snapshot);
        var tx = table.BeginTransaction().WithOperation("WRITE");
        var perFile = rows / files;
        for (var f = 0; f < files; f++)
        {
            var batch = new ParquetRowBatch(writer.ParquetSchema, perFile);
            for (long id = (long)f * perFile; id < (long)(f + 1) * perFile; id++)
            {
                batch[0].Append(id);
                batch[1].Append((int)(id % 1000));
                batch[2].Append(new ParquetDecimal(id * 7 % 1_000_000, 2));
                batch[3].Append(id % 3 == 0 ? "created by the snapshot" : "changed by the binlog");
            }

            tx.Add(await writer.WriteAsync(batch));
        }

        await table.CommitAsync(tx);
    }

    /// <summary>Distinct keys spread uniformly over the table (so every file holds some).</summary>
    public static HashSet<long> PickKeys(int rows, int updates, int seed)
    {
        var random = new Random(seed);
        var keys = new HashSet<long>();
        while (keys.Count < updates)
        {
            keys.Add(random.NextInt64(rows));
        }

        return keys;
    }

    public static async Task<DeltaMergeFigures> MergeOnReadAsync(string folder, HashSet<long> keys)
    {
        var store = new LocalFolderObjectStore(folder);
        var before = await DeltaBenchTables.ListSizesAsync(store);
        var clock = Stopwatch.StartNew();
        var table = await DeltaTable.OpenAsync(new TableLocation(store));
        var snapshot = table.Snapshot;
        var located = await LocateAsync(snapshot, keys);

        var writer = new DataFileWriter(snapshot);
        var batch = new ParquetRowBatch(writer.ParquetSchema, keys.Count);
        foreach (var id in keys)
        {
            AppendUpdated(batch, id);
        }

        var newFile = await writer.WriteAsync(batch);
        var touched = located.Keys.ToList();
        var combined = new List<RoaringBitmapArray>(touched.Count);
        foreach (var file in touched)
        {
            combined.Add((await DeletionVectorStore.CombineAsync(snapshot.Table, file, located[file])).Combined);
        }

        var descriptors = await DeletionVectorStore.WriteFileAsync(snapshot.Table, combined);
        var tx = table.BeginTransaction().WithOperation("MERGE");
        for (var i = 0; i < touched.Count; i++)
        {
            tx.UpdateDeletionVector(touched[i], descriptors[i]);
        }

        tx.Add(newFile);
        await table.CommitAsync(tx);
        var seconds = clock.Elapsed.TotalSeconds;
        var after = await DeltaBenchTables.ListSizesAsync(store);
        var (rowsAfter, qty) = await TotalsAsync(table.Snapshot);
        return new DeltaMergeFigures("merge-on-read", seconds, DeltaBenchTables.BytesWritten(before, after), touched.Count, rowsAfter, qty);
    }

    public static async Task<DeltaMergeFigures> CopyOnWriteAsync(string folder, HashSet<long> keys)
    {
        var store = new LocalFolderObjectStore(folder);
        var before = await DeltaBenchTables.ListSizesAsync(store);
        var clock = Stopwatch.StartNew();
        var table = await DeltaTable.OpenAsync(new TableLocation(store));
        var snapshot = table.Snapshot;
        var located = await LocateAsync(snapshot, keys);

        var writer = new DataFileWriter(snapshot);
        var tx = table.BeginTransaction().WithOperation("MERGE");
        var scan = new DeltaScan(snapshot);
        foreach (var (file, updatedRows) in located)
        {
            var rewritten = new ParquetRowBatch(writer.ParquetSchema, 1 << 16);
            await foreach (var part in scan.ReadFileAsync(file))
            {
                for (var r = 0; r < part.RowCount; r++)
                {
                    if (part.IsDeleted(r))
                    {
                        continue;
                    }

                    if (updatedRows.Contains(part.FirstRowIndex + r))
                    {
                        AppendUpdated(rewritten, part.GetBuffer(0)!.Int64Values[r]);
                    }
                    else
                    {
                        for (var c = 0; c < Columns.Length; c++)
                        {
                            CopyValue(part.GetBuffer(c)!, r, rewritten[c]);
                        }
                    }
                }
            }

            tx.Remove(file).Add(await writer.WriteAsync(rewritten));
        }

        await table.CommitAsync(tx);
        var seconds = clock.Elapsed.TotalSeconds;
        var after = await DeltaBenchTables.ListSizesAsync(store);
        var (rowsAfter, qty) = await TotalsAsync(table.Snapshot);
        return new DeltaMergeFigures("copy-on-write", seconds, DeltaBenchTables.BytesWritten(before, after), located.Count, rowsAfter, qty);
    }

    /// <summary>Live row indexes of the keys, per file that holds any: stats prune the files, then their id column is read.</summary>
    private static async Task<Dictionary<AddFile, RoaringBitmapArray>> LocateAsync(Serverless.Delta.Log.Snapshot snapshot, HashSet<long> keys)
    {
        var scan = new DeltaScan(snapshot).Select("id").WhereBetween("id", keys.Min(), keys.Max());
        var located = new Dictionary<AddFile, RoaringBitmapArray>();
        foreach (var file in scan.PlanFiles())
        {
            RoaringBitmapArray? rows = null;
            await foreach (var batch in scan.ReadFileAsync(file))
            {
                var ids = batch.GetBuffer(0)!.Int64Values;
                for (var r = 0; r < batch.RowCount; r++)
                {
                    if (!batch.IsDeleted(r) && keys.Contains(ids[r]))
                    {
                        (rows ??= new RoaringBitmapArray()).Add(batch.FirstRowIndex + r);
                    }
                }
            }

            if (rows is not null)
            {
                located[file] = rows;
            }
        }

        return located;
    }

    private static void AppendUpdated(ParquetRowBatch batch, long id)
    {
        batch[0].Append(id);
        batch[1].Append((int)(id % 1000) + 1);
        batch[2].Append(new ParquetDecimal((id * 7 % 1_000_000) + 1, 2));
        batch[3].Append("updated by the merge");
    }

    private static void CopyValue(ParquetColumnBuffer from, int row, ParquetColumnBuffer to)
    {
        if (from.IsNull(row))
        {
            to.AppendNull();
            return;
        }

        switch (from.Column.PhysicalType)
        {
            case ParquetPhysicalType.Int32 when from.Column.IsDecimal:
            case ParquetPhysicalType.Int64 when from.Column.IsDecimal:
            case ParquetPhysicalType.FixedLenByteArray:
                to.Append(from.GetDecimal(row));
                break;
            case ParquetPhysicalType.Int32:
                to.Append(from.Int32Values[row]);
                break;
            case ParquetPhysicalType.Int64:
                to.Append(from.Int64Values[row]);
                break;
            default:
                to.Append(from.GetBytes(row));
                break;
        }
    }

    /// <summary>Live rows and the sum of qty: both strategies must leave the same table (qty grows by one per updated key).</summary>
    private static async Task<(long Rows, long QtySum)> TotalsAsync(Serverless.Delta.Log.Snapshot snapshot)
    {
        long rows = 0;
        long qty = 0;
        await foreach (var batch in new DeltaScan(snapshot).Select("qty").ReadBatchesAsync())
        {
            var values = batch.GetBuffer(0)!.Int32Values;
            for (var r = 0; r < batch.RowCount; r++)
            {
                if (!batch.IsDeleted(r))
                {
                    rows++;
                    qty += values[r];
                }
            }
        }

        return (rows, qty);
    }
}
