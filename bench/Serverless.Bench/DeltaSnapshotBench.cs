using System.Diagnostics;
using Serverless.Delta;
using Serverless.Delta.Actions;
using Serverless.Delta.Log;
using Serverless.Storage.Local;

namespace Serverless.Bench;

/// <summary>Snapshot load of one table: how long it took to build, and the load time (median and best of the timed runs).</summary>
public sealed record DeltaSnapshotFigures(int Commits, double BuildSeconds, double LoadMedianMs, double LoadBestMs, int LiveFiles, int LogFiles, long CheckpointBytes, double DuckDbMs, long DuckDbActions, double ListMedianMs);

/// <summary>
/// Loads the latest snapshot of tables with many commits on the local folder. The tables are in steady state, as a
/// compacted CDC table is: each commit adds one file, removes the oldest once 100 are live, and records a txn;
/// checkpoints every 10 commits; tombstone retention 0 so the checkpoint holds the live state only. Then only the
/// length of the log differs between the 1k and the 10k table, which is what must not slow the load down.
/// </summary>
public static class DeltaSnapshotBench
{
    private const int LiveFiles = 100;

    public static async Task<DeltaSnapshotFigures> MeasureAsync(string folder, int commits, int repeat)
    {
        var build = Stopwatch.StartNew();
        await BuildAsync(folder, commits);
        var buildSeconds = build.Elapsed.TotalSeconds;
        Console.WriteLine($"delta: built a {commits:N0}-commit table in {buildSeconds:0.0} s");

        var location = new TableLocation(new LocalFolderObjectStore(folder));
        var warm = await new DeltaLog(location).LoadAsync();
        if (warm.Version != commits || warm.Files.Count != LiveFiles)
        {
            throw new InvalidOperationException($"The {commits}-commit table loaded at version {warm.Version} with {warm.Files.Count} files; expected {commits} and {LiveFiles}.");
        }

        var times = new List<double>();
        for (var i = 0; i < repeat; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            var snapshot = await new DeltaLog(location).LoadAsync();
            times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            GC.KeepAlive(snapshot);
        }

        var listTimes = new List<double>();
        for (var i = 0; i < repeat; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            await new DeltaLog(location).ListAsync();
            listTimes.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }

        var listing = await new DeltaLog(location).ListAsync();
        var checkpoint = listing.Where(f => f.Kind == LogFileKind.ClassicCheckpoint).MaxBy(f => f.Version);
        var logGlob = Path.Combine(folder, "_delta_log", "*.json").Replace("'", "''", StringComparison.Ordinal);
        var duck = await DuckDbPeer.TimeAsync(
            [],
            new Dictionary<string, string> { ["count"] = $"select count(*) from read_ndjson_objects('{logGlob}')" },
            repeat: 3);
        return new DeltaSnapshotFigures(
            commits,
            buildSeconds,
            DeltaBenchTables.Percentile(times, 50),
            times.Min(),
            warm.Files.Count,
            listing.Count,
            checkpoint?.Info.Size ?? 0,
            duck["count"],
            CountActions(folder),
            DeltaBenchTables.Percentile(listTimes, 50));
    }

    /// <summary>Commits through the library (DeltaTable, default commit pipeline) one after another.</summary>
    private static async Task BuildAsync(string folder, int commits)
    {
        var configuration = new Dictionary<string, string> { ["delta.deletedFileRetentionDuration"] = "interval 0 seconds" };
        var table = await DeltaTable.CreateAsync(new TableLocation(new LocalFolderObjectStore(folder)), DeltaBenchTables.KeyOnlyTable(configuration));
        var live = new Queue<AddFile>();
        for (var v = 1; v <= commits; v++)
        {
            var add = DeltaBenchTables.SmallAdd(v);
            var tx = table.BeginTransaction().Add(add).SetAppTransaction("cdc-0", v);
            if (live.Count == LiveFiles)
            {
                tx.Remove(live.Dequeue(), dataChange: false);
            }

            await table.CommitAsync(tx);
            live.Enqueue(add);
        }
    }

    private static long CountActions(string folder)
    {
        long lines = 0;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(folder, "_delta_log"), "*.json"))
        {
            foreach (var line in File.ReadLines(file))
            {
                lines += line.Length > 0 ? 1 : 0;
            }
        }

        return lines;
    }
}
