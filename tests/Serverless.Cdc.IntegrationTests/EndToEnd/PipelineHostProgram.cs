using System.Text.Json;
using Serverless.Cdc.Capture;
using Serverless.Cdc.Transport.Embedded;
using Serverless.Cdc.Writer;
using Serverless.Delta.Compaction;

namespace Serverless.Cdc.IntegrationTests.EndToEnd;

/// <summary>
/// The test assembly as one process of a job's pipeline (dispatched from <see cref="Transport.TransportHostProgram"/>):
/// <c>e2e-capture SETTINGS</c> waits for the P0 StartJob records, then captures the job into the embedded change log;
/// <c>e2e-writer SETTINGS PARTITION</c> waits for the lake tables of that partition, then streams it into them;
/// <c>e2e-compactor SETTINGS</c> compacts every live lake table in rounds, with a small target file size so that it rewrites
/// files (bin-packing, deletion-vector purges, checkpoints) beside the writers all the time. All run until killed; each writes <see cref="PipelineHostSettings.ReadyFile"/> once it runs and, when it fails or a table
/// stops, <see cref="PipelineHostSettings.ErrorFile"/> with the error for the test to show.
/// </summary>
internal static class PipelineHostProgram
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<int> RunAsync(string role, string settingsFile, int partition)
    {
        // Ends an orphaned process (its test gone).
        using var orphanGuard = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var settings = ReadSettings(settingsFile);
        var name = role == "writer" ? PipelineHostSettings.WriterRole(partition) : role;
        try
        {
            switch (role)
            {
                case "capture":
                    await CaptureAsync(settings, orphanGuard.Token);
                    break;
                case "compactor":
                    await CompactAsync(settings, orphanGuard.Token);
                    break;
                default:
                    await WriteAsync(settings, partition, orphanGuard.Token);
                    break;
            }

            return 0;
        }
        catch (Exception e)
        {
            await File.WriteAllTextAsync(settings.ErrorFile(name), e.ToString(), CancellationToken.None);
            return 1;
        }
    }

    public static PipelineHostSettings ReadSettings(string file) => JsonSerializer.Deserialize<PipelineHostSettings>(File.ReadAllText(file), Json)!;

    public static void WriteSettings(string file, PipelineHostSettings settings) => File.WriteAllText(file, JsonSerializer.Serialize(settings, Json));

    private static async Task CaptureAsync(PipelineHostSettings settings, CancellationToken cancellationToken)
    {
        var job = EndToEndJob.Open(settings.SpecPath, settings.StateFolder);
        var start = await job.StartPositionAsync(cancellationToken);
        while (start is null)
        {
            await Task.Delay(50, cancellationToken);
            start = await job.StartPositionAsync(cancellationToken);
        }

        var tables = await job.DiscoverAsync(cancellationToken);
        var log = EmbeddedChangeLog.Open(settings.LogDirectory, new EmbeddedChangeLogOptions { Durability = LogDurability.OperatingSystemCache });
        await using var publisher = log.OpenPublisher();
        var capture = new BinlogCapture(job.CaptureOptions(tables, start, settings.ReplicaServerId, settings.Spread), publisher, job.State);
        var run = capture.RunAsync(cancellationToken);

        // Ready once this run has claimed the job, so that every capture process the test starts is one epoch.
        var checkpoints = new CaptureCheckpointStore(job.State, job.Spec.Name);
        while (!run.IsCompleted && (await checkpoints.ReadAsync(cancellationToken))?.Owner != capture.OwnerId)
        {
            await Task.Delay(20, cancellationToken);
        }

        await File.WriteAllTextAsync(settings.ReadyFile("capture"), "ready", cancellationToken);
        await run;
    }

    private static async Task CompactAsync(PipelineHostSettings settings, CancellationToken cancellationToken)
    {
        var job = EndToEndJob.Open(settings.SpecPath, settings.StateFolder);
        var tables = await job.DiscoverAsync(cancellationToken);
        var compactor = new TableCompactor(new CompactionOptions { TargetFileSize = 256 * 1024, MinInputFiles = 2, DeletedRowRatioThreshold = 0.02, CheckpointInterval = 10 });
        await File.WriteAllTextAsync(settings.ReadyFile("compactor"), "ready", cancellationToken);
        // A running total over the compactor's restarts, for the test to see that compaction really rewrote files.
        var counter = settings.ReadyFile("compactor.rewritten");
        var rewritten = File.Exists(counter) ? int.Parse(await File.ReadAllTextAsync(counter, cancellationToken), System.Globalization.CultureInfo.InvariantCulture) : 0;
        while (true)
        {
            foreach (var table in tables)
            {
                // Only live tables, as the streaming host's compaction does: a loading table's chunks append without a merge.
                if (await job.TryOpenLakeTableAsync(table, cancellationToken) is { } lake && SnapshotCompletion.IsComplete(lake.Snapshot))
                {
                    var removed = (await compactor.CompactAsync(lake, cancellationToken: cancellationToken)).FilesRemoved;
                    if (removed > 0)
                    {
                        rewritten += removed;
                        // Replaced whole, so that a kill mid-write never leaves the next run a torn count.
                        await File.WriteAllTextAsync(counter + ".tmp", rewritten.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
                        File.Move(counter + ".tmp", counter, overwrite: true);
                    }
                }
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private static async Task WriteAsync(PipelineHostSettings settings, int partition, CancellationToken cancellationToken)
    {
        var job = EndToEndJob.Open(settings.SpecPath, settings.StateFolder);
        var log = EmbeddedChangeLog.Open(settings.LogDirectory, new EmbeddedChangeLogOptions { CrossProcessPollInterval = TimeSpan.FromMilliseconds(20) });
        var tables = new List<WriterTable>();
        foreach (var table in (await job.DiscoverAsync(cancellationToken)).Where(t => EndToEndJob.MapsTo(t, partition, log.PartitionCount, settings.Spread)))
        {
            // StartJob creates the lake tables after P0; the writer holds their changes until each snapshot is marked complete.
            var lake = await job.TryOpenLakeTableAsync(table, cancellationToken);
            while (lake is null)
            {
                await Task.Delay(50, cancellationToken);
                lake = await job.TryOpenLakeTableAsync(table, cancellationToken);
            }

            tables.Add(job.WriterTable(table, lake));
        }

        using var writer = new PartitionWriter(log, partition, tables, job.SchemaChanges(), settings.Writer);
        var role = PipelineHostSettings.WriterRole(partition);
        await File.WriteAllTextAsync(settings.ReadyFile(role), "ready", cancellationToken);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = writer.RunAsync(stopping.Token);

        // A stopped table (a DDL, a row its mapping cannot take) leaves the rest running; the test must hear of it at once.
        while (!run.IsCompleted)
        {
            await Task.WhenAny(run, Task.Delay(100, cancellationToken));
            if (writer.Metrics.Read().Tables.Where(t => t.StoppedBy is not null).Select(t => $"{t.Table} stopped: {t.StoppedBy}").ToList() is { Count: > 0 } stopped)
            {
                await File.WriteAllLinesAsync(settings.ErrorFile(role), stopped, cancellationToken);
            }
        }

        await run;
    }
}

/// <summary>What a pipeline child process runs: the job (spec and state folder), the change log, capture's identity and spread, the writers' policy.</summary>
internal sealed record PipelineHostSettings(
    string SpecPath, string StateFolder, string LogDirectory, string SignalDirectory, uint ReplicaServerId, IReadOnlyDictionary<string, int> Spread, WriterOptions Writer)
{
    public static string WriterRole(int partition) => "writer-" + partition.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string ReadyFile(string role) => Path.Combine(SignalDirectory, role + ".ready");

    public string ErrorFile(string role) => Path.Combine(SignalDirectory, role + ".error");
}
