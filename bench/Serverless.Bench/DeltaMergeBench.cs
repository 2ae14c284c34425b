using System.Diagnostics;
using Serverless.Delta;
using Serverless.Delta.DataFiles;
using Serverless.Delta.Merge;
using Serverless.Delta.Scanning;
using Serverless.Delta.Schema;
using Serverless.Parquet;
using Serverless.Storage.Local;

namespace Serverless.Bench;

/// <summary>One merge strategy's cost: wall time, bytes it put in the store, files it rewrote, and the table it left.</summary>
public sealed record DeltaMergeFigures(string Strategy, double Seconds, long BytesWritten, int FilesTouched, long RowsAfter, long QtySumAfter);

/// <summary>
/// Merges updates of existing keys into a table, two ways, from identical copies of the table, through the library's
/// <see cref="MergeWriter"/>: merge-on-read writes the new row versions to one new file and marks the old ones in
/// deletion vectors (one DV file for all touched files); copy-on-write rewrites every file that holds an updated key.
/// Both find the keys the same way (stats prune the files, then the key and position columns of each candidate file
/// are read once and cached) and apply the merge rule (the higher _cdc_position wins).
/// </summary>
public static class DeltaMergeBench
{
    private static readonly StructField[] Columns =
    [
        new("id", PrimitiveType.Long, nullable: false),
        new("qty", PrimitiveType.Integer),
        new("amount", new DecimalType(12, 2)),
        new("note", PrimitiveType.String),
        new("_cdc_position", PrimitiveType.Long, nullable: false),
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
                batch[4].Append(1L);
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

    public static Task<DeltaMergeFigures> MergeOnReadAsync(string folder, HashSet<long> keys) => MergeAsync(folder, keys, MergeMode.MergeOnRead, "merge-on-read");

    public static Task<DeltaMergeFigures> CopyOnWriteAsync(string folder, HashSet<long> keys) => MergeAsync(folder, keys, MergeMode.CopyOnWrite, "copy-on-write");

    private static async Task<DeltaMergeFigures> MergeAsync(string folder, HashSet<long> keys, MergeMode mode, string name)
    {
        var store = new LocalFolderObjectStore(folder);
        var before = await DeltaBenchTables.ListSizesAsync(store);
        var changes = new List<RowChange>(keys.Count);
        foreach (var id in keys)
        {
            changes.Add(RowChange.Upsert([id, (int)(id % 1000) + 1, new ParquetDecimal((id * 7 % 1_000_000) + 1, 2), "updated by the merge", 2L]));
        }

        var clock = Stopwatch.StartNew();
        var table = await DeltaTable.OpenAsync(new TableLocation(store));
        var writer = new MergeWriter(table, new MergeOptions(["id"], "_cdc_position") { Mode = mode, KeepTombstones = false });
        var result = await writer.MergeAsync(changes, "bench", 1);
        var seconds = clock.Elapsed.TotalSeconds;
        if (result.RowsWritten != keys.Count || result.RowsDeleted != keys.Count)
        {
            throw new InvalidOperationException($"The {name} merge wrote {result.RowsWritten} rows and retired {result.RowsDeleted}; expected {keys.Count} of each.");
        }

        var after = await DeltaBenchTables.ListSizesAsync(store);
        var (rowsAfter, qty) = await TotalsAsync(table.Snapshot);
        return new DeltaMergeFigures(name, seconds, DeltaBenchTables.BytesWritten(before, after), result.FilesTouched, rowsAfter, qty);
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
