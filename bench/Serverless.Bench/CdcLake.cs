using System.Globalization;
using System.Text.Json;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Schema;
using Serverless.Cdc.Snapshot;
using Serverless.Cdc.Writer;
using Serverless.Delta;
using Serverless.Delta.Actions;
using Serverless.Delta.Scanning;
using Serverless.Storage.Local;

namespace Serverless.Bench;

/// <summary>
/// The `cdc` benchmark's lake: a local-folder Delta table of <c>bench_cdc.items</c> (merge-on-read defaults: deletion
/// vectors and column mapping), loaded the way the snapshot loads it (ChunkPlanner and ChunkReader at the default chunk
/// size, one file per chunk, committed, then marked complete so writers apply changes at once), and what the benchmark
/// reads back from it: live rows, bytes on disk, and when each writer commit became visible.
/// </summary>
public static class CdcLake
{
    public const string TableFolder = "bench_cdc_items/";

    public static TableLocation Location(string lakeRoot) => new(new LocalFolderObjectStore(lakeRoot), TableFolder);

    public static async Task<SourceTable> DiscoverAsync()
    {
        await using var conn = await CdcBenchData.OpenAsync();
        var selection = new TableSelection { Include = [TablePattern.TryParse(CdcBenchData.QualifiedTable, out _)!] };
        return (await SchemaDiscovery.DiscoverAsync(conn, selection)).Single();
    }

    /// <summary>Snapshots the source table into a new lake under <paramref name="lakeRoot"/> and marks it complete.</summary>
    public static async Task SnapshotAsync(string lakeRoot)
    {
        var source = await DiscoverAsync();
        var mapping = TypeMapper.Map(source);
        var lake = await DeltaTable.CreateAsync(Location(lakeRoot), new TableDefinition(mapping.DeltaFields));
        IReadOnlyList<SnapshotChunk> chunks;
        await using (var conn = await CdcBenchData.OpenAsync())
        {
            chunks = await new ChunkPlanner().PlanAsync(conn, source, new SnapshotSpec().ChunkRows);
        }

        var reader = new ChunkReader(MySqlBenchData.Connection, new LocalFolderObjectStore(lakeRoot));
        var lakeMapping = mapping.ForLakeTable(lake.Snapshot.Schema.Fields, columnMapping: true);
        var reads = await Task.WhenAll(chunks.Select(c => reader.ReadAsync(c, lakeMapping, TableFolder)));
        var tx = lake.BeginTransaction("WRITE");
        foreach (var file in reads.SelectMany(r => r.Files))
        {
            tx.Add(new AddFile(DeltaPath.Encode(file.Path[TableFolder.Length..]), new Dictionary<string, string?>(), file.SizeBytes, 0, DataChange: true, Stats: file.DeltaStats));
        }

        await lake.CommitAsync(tx.SetAppTransaction("snapshot", 1));
        await SnapshotCompletion.MarkAsync(lake);
    }

    /// <summary>The writer's view of the table: its mapping and the open lake table.</summary>
    public static async Task<WriterTable> OpenWriterTableAsync(string lakeRoot) =>
        new(TypeMapper.Map(await DiscoverAsync()), await DeltaTable.OpenAsync(Location(lakeRoot)));

    /// <summary>Live rows of the lake table and the sum of their qty (deletion vectors applied).</summary>
    public static async Task<(long Rows, long QtySum)> FingerprintAsync(string lakeRoot)
    {
        var lake = await DeltaTable.OpenAsync(Location(lakeRoot));
        long rows = 0, sum = 0;
        await foreach (var row in new DeltaScan(lake.Snapshot).Select("qty").ReadRowsAsync())
        {
            rows++;
            sum += Convert.ToInt64(row[0], CultureInfo.InvariantCulture);
        }

        return (rows, sum);
    }

    public static void Copy(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>Bytes of every file under the folder (data files, deletion vectors, the Delta log).</summary>
    public static long Bytes(string folder) =>
        Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) : 0;

    /// <summary>
    /// The commits of <paramref name="appId"/>'s writer: txn version (the last change sequence the commit covers) and the
    /// time its log entry was written, which is when readers can see it; ordered by version.
    /// </summary>
    public static List<(long Version, DateTime VisibleUtc)> WriterCommits(string lakeRoot, string appId)
    {
        var commits = new List<(long, DateTime)>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(lakeRoot, TableFolder, "_delta_log"), "*.json"))
        {
            foreach (var line in File.ReadLines(file))
            {
                using var doc = JsonDocument.Parse(line);
                if (doc.RootElement.TryGetProperty("txn", out var txn) && txn.GetProperty("appId").GetString() == appId)
                {
                    commits.Add((txn.GetProperty("version").GetInt64(), File.GetLastWriteTimeUtc(file)));
                }
            }
        }

        commits.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return commits;
    }
}
