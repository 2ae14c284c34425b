using System.Diagnostics;
using System.Globalization;
using Serverless.Delta;
using Serverless.Delta.Actions;
using Serverless.Delta.Compaction;
using Serverless.Delta.DataFiles;
using Serverless.Delta.Schema;
using Serverless.Parquet;
using Serverless.Storage.Local;

namespace Serverless.Bench;

/// <summary>
/// `./run bench compact [--quick]`: the compactor bin-packing a snapshot's output (3M rows of 10 columns in 30 chunk
/// files) into one file, beside DuckDB copying the same files into one Parquet file on the same core count; and the
/// compactor purging deletion vectors (10% of rows deleted) beside DuckDB copying the same live rows.
/// </summary>
public static class CompactionBenchmark
{
    private const int Files = 30;
    private const int Repeat = 3;

    private static readonly StructField[] Columns =
    [
        new("id", PrimitiveType.Long, nullable: false),
        new("customer", PrimitiveType.Integer),
        new("qty", PrimitiveType.Integer),
        new("status", PrimitiveType.Short),
        new("amount", new DecimalType(12, 2)),
        new("tax", new DecimalType(10, 2)),
        new("note", PrimitiveType.String),
        new("email", PrimitiveType.String),
        new("created", PrimitiveType.Timestamp),
        new("_cdc_position", PrimitiveType.Long, nullable: false),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        var rows = quick ? 300_000 : 3_000_000;
        var dir = Path.Combine(Path.GetTempPath(), $"serverless-bench-compact-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        var results = new List<BenchmarkResult>();
        try
        {
            Console.WriteLine($"compact: building a {rows:N0}-row table in {Files} files");
            var baseTable = Path.Combine(dir, "base");
            await BuildAsync(baseTable, rows);
            var inputBytes = Directory.EnumerateFiles(baseTable, "*.parquet").Sum(f => new FileInfo(f).Length);

            Console.WriteLine($"compact: bin-packing, ours then DuckDB (best of {Repeat})");
            var ours = await CompactBestOfAsync(dir, baseTable, "pack", null, rows);
            var packFiles = DuckDbList(baseTable, Directory.EnumerateFiles(baseTable, "*.parquet"));
            var duckOut = Path.Combine(dir, "duck-pack.parquet");
            var duck = await DuckDbPeer.TimeAsync([], new Dictionary<string, string>
            {
                ["pack"] = $"COPY (SELECT * FROM read_parquet({packFiles})) TO '{duckOut}' (FORMAT parquet, COMPRESSION snappy)",
            }, Repeat, threads: 1);
            var packConditions = string.Create(CultureInfo.InvariantCulture, $"local folder; {rows:N0} rows of 10 columns (long, 2 int, short, 2 decimals, 2 strings, timestamp, _cdc_position) in {Files} snappy files of {rows / Files:N0} rows ({inputBytes / Files / 1024.0 / 1024:0.00} MiB each, {inputBytes / 1024.0 / 1024:0.0} MiB in all); ours = TableCompactor.CompactAsync with default options (target 128 MiB) on a fresh copy: open, plan, read every file, write one streamed file, commit, then checkpoint and log cleanup as due; peer = DuckDB 1 thread COPY (SELECT * FROM read_parquet([...])) TO one snappy file (no Delta commit); best of {Repeat}; ours wrote {ours.OutputBytes / 1024.0 / 1024:0.0} MiB, DuckDB {new FileInfo(duckOut).Length / 1024.0 / 1024:0.0} MiB");
            results.Add(BenchmarkResult.Cost($"bin-pack {Files} files into 1 ({rows:N0} rows)", ours.Seconds, duck["pack"] / 1000, "DuckDB COPY to one file, 1 thread", "s", 0.5, packConditions));
            results.Add(BenchmarkResult.Cost("bin-pack output size", ours.OutputBytes, new FileInfo(duckOut).Length, "DuckDB's file", "bytes", 0.8, packConditions));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"compact: peak ours {ours.PeakBytes} B, DuckDB {duck["peak_rss_bytes"]} B"));
            results.Add(BenchmarkResult.Cost("bin-pack peak memory", ours.PeakBytes / 1024.0 / 1024, duck["peak_rss_bytes"] / 1024 / 1024, "DuckDB process peak RSS", "MiB", 0.5, "peak resident set of the whole process (ours: after an aggressive GC and a peak reset through /proc/self/clear_refs once the table is built, so it covers the three compaction runs and the .NET runtime; DuckDB: VmHWM of the node process running the copies)"));

            Console.WriteLine("compact: deleting 10% of the rows (one DV per file), then purging, ours then DuckDB");
            var dvTable = Path.Combine(dir, "dv-base");
            DeltaBenchTables.CopyDirectory(baseTable, dvTable);
            var deleted = await DeleteEveryTenthRowAsync(dvTable, rows / Files);
            var purge = await CompactBestOfAsync(dir, dvTable, "purge", new CompactionOptions { MinInputFiles = 50 }, rows - deleted);
            var duckPurgeOut = Path.Combine(dir, "duck-purge.parquet");
            var duckPurge = await DuckDbPeer.TimeAsync([], new Dictionary<string, string>
            {
                ["purge"] = $"COPY (SELECT * EXCLUDE (file_row_number) FROM read_parquet({packFiles.Replace(baseTable, dvTable, StringComparison.Ordinal)}, file_row_number = true) WHERE file_row_number % 10 <> 0) TO '{duckPurgeOut}' (FORMAT parquet, COMPRESSION snappy)",
            }, Repeat, threads: 1);
            var purgeConditions = string.Create(CultureInfo.InvariantCulture, $"the same table with every tenth row of each file deleted through deletion vectors ({deleted:N0} rows, one 'u' DV per file, 10% deleted each, above the 5% threshold); ours = TableCompactor.CompactAsync rewriting each file alone without its deleted rows ({Files} files in, {Files} out, DVs gone) on a fresh copy; peer = DuckDB 1 thread copying the same live rows (file_row_number % 10 <> 0) into one snappy file; best of {Repeat}");
            results.Add(BenchmarkResult.Cost($"DV purge ({deleted:N0} of {rows:N0} rows deleted)", purge.Seconds, duckPurge["purge"] / 1000, "DuckDB COPY of the live rows, 1 thread", "s", 0.5, purgeConditions));

            BenchmarkReport.Print(results);
            BenchmarkReport.Write("compact", "Compaction: bin-packing and deletion-vector purge", results, BenchmarkReport.MachineDescription());
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    internal static string DuckDbList(string root, IEnumerable<string> files) =>
        "[" + string.Join(", ", files.Order(StringComparer.Ordinal).Select(f => $"'{Path.Combine(root, Path.GetFileName(f))}'")) + "]";

    /// <summary>A table of <paramref name="rows"/> rows of the 10 benchmark columns in <paramref name="files"/> snappy files, one commit.</summary>
    internal static async Task BuildAsync(string folder, int rows, int files = Files)
    {
        var table = await DeltaTable.CreateAsync(new TableLocation(new LocalFolderObjectStore(folder)), new TableDefinition(Columns));
        var writer = new DataFileWriter(table.Snapshot);
        var tx = table.BeginTransaction().WithOperation("WRITE");
        var perFile = rows / files;
        var epoch = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var f = 0; f < files; f++)
        {
            var batch = new ParquetRowBatch(writer.ParquetSchema, perFile);
            for (long id = (long)f * perFile; id < (long)(f + 1) * perFile; id++)
            {
                batch[0].Append(id);
                batch[1].Append((int)(id % 50_000));
                batch[2].Append((int)(id % 100));
                batch[3].Append((int)(id % 5));
                batch[4].Append(new ParquetDecimal(id * 7 % 10_000_000, 2));
                batch[5].Append(new ParquetDecimal(id * 3 % 100_000, 2));
                batch[6].Append(id % 3 == 0 ? "created by the snapshot" : "changed by the binlog");
                batch[7].Append(string.Create(CultureInfo.InvariantCulture, $"customer{id % 50_000}@example.com"));
                batch[8].AppendValue(epoch.AddSeconds(id));
                batch[9].Append(1L);
            }

            tx.Add(await writer.WriteAsync(batch));
        }

        await table.CommitAsync(tx);
    }

    /// <summary>Deletes rows 0, 10, 20, ... of every file through one deletion vector file (as a merge-on-read writer would).</summary>
    internal static async Task<long> DeleteEveryTenthRowAsync(string folder, int rowsPerFile)
    {
        var table = await DeltaTable.OpenAsync(new TableLocation(new LocalFolderObjectStore(folder)));
        var files = table.Snapshot.Files.ToList();
        var bitmaps = files.Select(_ => Delta.DeletionVectors.RoaringBitmapArray.Of(Enumerable.Range(0, (rowsPerFile + 9) / 10).Select(i => i * 10L))).ToList();
        var dvs = await Delta.DeletionVectors.DeletionVectorStore.WriteFileAsync(table.Location, bitmaps);
        var tx = table.BeginTransaction("DELETE");
        long deleted = 0;
        for (var i = 0; i < files.Count; i++)
        {
            tx.UpdateDeletionVector(files[i], dvs[i]);
            deleted += dvs[i].Cardinality;
        }

        await table.CommitAsync(tx);
        return deleted;
    }

    private static async Task<(double Seconds, long OutputBytes, long PeakBytes)> CompactBestOfAsync(string dir, string source, string name, CompactionOptions? options, long expectedRows)
    {
        // An aggressive collection hands the heap left from building the table back to the OS, and writing 5 to
        // clear_refs resets the kernel's peak RSS (VmHWM), so the peak read afterwards is the compaction's.
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        await File.WriteAllTextAsync("/proc/self/clear_refs", "5");
        var best = double.MaxValue;
        long output = 0;
        for (var i = 0; i < Repeat; i++)
        {
            var copy = Path.Combine(dir, $"{name}-{i}");
            DeltaBenchTables.CopyDirectory(source, copy);
            var clock = Stopwatch.StartNew();
            var table = await DeltaTable.OpenAsync(new TableLocation(new LocalFolderObjectStore(copy)));
            var result = await new TableCompactor(options).CompactAsync(table);
            var seconds = clock.Elapsed.TotalSeconds;
            if (result.RowsWritten != expectedRows || table.Snapshot.Files.Any(f => f.DeletionVector is not null))
            {
                throw new InvalidOperationException($"The {name} compaction wrote {result.RowsWritten} rows into {result.FilesAdded} files; expected {expectedRows:N0} rows and no deletion vectors left.");
            }

            best = Math.Min(best, seconds);
            output = result.BytesWritten;
            Directory.Delete(copy, recursive: true);
        }

        return (best, output, PeakMemory.OfThisProcess());
    }
}
