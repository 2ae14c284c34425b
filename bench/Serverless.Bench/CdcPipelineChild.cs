using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Serverless.Cdc.Capture;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Transport.Embedded;
using Serverless.Cdc.Writer;
using Serverless.Delta;
using Serverless.MySql.Replication;
using Serverless.Storage.State;

namespace Serverless.Bench;

/// <summary>
/// The `cdc` benchmark's measured side, in a child process of the bench executable so that its peak RSS is its own:
/// capture (<see cref="BinlogCapture"/>) into the embedded change log (one partition, fsync per publish, the defaults),
/// a <see cref="PartitionWriter"/> (default commit policy, merge-on-read) from it into the local lake, or both at once.
/// The child prints <c>ready</c> once capture runs and its figures as JSON on its last line; in <c>stream</c> mode it
/// runs until a line arrives on its standard input.
/// </summary>
public static class CdcPipelineChild
{
    public const string Flag = "--child";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>Diagnostic knob: SERVERLESS_BENCH_CDC_LOG=1 logs capture and writer (debug level) with timestamps to the console's error stream, which the parent prints.</summary>
    private static readonly bool Diagnostic = Environment.GetEnvironmentVariable("SERVERLESS_BENCH_CDC_LOG") == "1" || Allocations;

    /// <summary>Diagnostic knob: SERVERLESS_BENCH_CDC_ALLOCATIONS=1 samples what each child allocates, by type (to the error stream).</summary>
    private static bool Allocations => Environment.GetEnvironmentVariable("SERVERLESS_BENCH_CDC_ALLOCATIONS") == "1";

    private static readonly ILoggerFactory? Logs = Environment.GetEnvironmentVariable("SERVERLESS_BENCH_CDC_LOG") == "1" ? LoggerFactory.Create(b => b.AddProvider(new SnapshotTimelineLog()).SetMinimumLevel(LogLevel.Debug)) : null;

    /// <summary>Runs a child to its end and returns its figures.</summary>
    public static async Task<CdcChildFigures> RunAsync(CdcChildSettings settings, string settingsPath)
    {
        using var child = await StartAsync(settings, settingsPath);
        return await child.CompleteAsync();
    }

    /// <summary>Starts a child; the caller waits for it to be ready, tells it to stop (stream mode) and completes it.</summary>
    public static async Task<Running> StartAsync(CdcChildSettings settings, string settingsPath)
    {
        await File.WriteAllTextAsync(settingsPath, JsonSerializer.Serialize(settings, Json));
        var entry = System.Reflection.Assembly.GetEntryAssembly()!.Location;
        string[] prefix = Environment.ProcessPath!.EndsWith("dotnet", StringComparison.Ordinal) ? [entry] : [];
        var psi = new ProcessStartInfo(Environment.ProcessPath!, [.. prefix, "cdc", Flag, settingsPath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        return new Running(Process.Start(psi) ?? throw new InvalidOperationException("could not start the cdc child process"), settings.Mode);
    }

    /// <summary>The child's side.</summary>
    public static async Task<int> ChildAsync(string settingsPath)
    {
        using var allocations = Allocations ? new AllocationSampler() : null;
        var s = JsonSerializer.Deserialize<CdcChildSettings>(await File.ReadAllTextAsync(settingsPath), Json)!;
        var log = EmbeddedChangeLog.OpenOrCreate(s.LogDirectory, 1);
        var figures = s.Mode switch
        {
            "capture" => await CaptureOnlyAsync(s, log),
            "writer" => await WriterOnlyAsync(s, log),
            "pipeline" or "stream" => await PipelineAsync(s, log),
            _ => throw new ArgumentException($"Unknown cdc child mode '{s.Mode}'; use capture, writer, pipeline or stream."),
        };
        if (allocations is not null)
        {
            await Console.Error.WriteLineAsync($"{s.Mode}: allocations by type (sampled): {allocations.Top(20)}");
        }

        Console.WriteLine(JsonSerializer.Serialize(figures, Json));
        return 0;
    }

    private static async Task<CdcChildFigures> CaptureOnlyAsync(CdcChildSettings s, EmbeddedChangeLog log)
    {
        await using var publisher = log.OpenPublisher();
        var capture = new BinlogCapture(await CaptureOptionsAsync(s), publisher, new LocalFolderStateStore(s.StateDirectory), Logs?.CreateLogger<BinlogCapture>());
        using var stop = new CancellationTokenSource();
        var started = Stopwatch.GetTimestamp();
        var run = capture.RunAsync(stop.Token);
        // Capture's own progress (refreshed every 100 ms while events come, at once when the binlog goes idle): reading the
        // log's end from its files every few milliseconds would cost capture CPU.
        await UntilAsync(() => Task.FromResult(capture.Progress.ChangesPublished >= s.ExpectedChanges), run);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await StopAsync(stop, run);
        var progress = capture.Progress;
        return Figures(seconds, await PublishedAsync(log), 0, progress, null);
    }

    private static async Task<CdcChildFigures> WriterOnlyAsync(CdcChildSettings s, EmbeddedChangeLog log)
    {
        var table = await CdcLake.OpenWriterTableAsync(s.LakeRoot);
        using var writer = new PartitionWriter(log, 0, [table], options: WriterOptionsOf(s), logger: Logs?.CreateLogger<PartitionWriter>());
        var started = Stopwatch.GetTimestamp();
        var read = await writer.DrainAsync();
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (read != s.ExpectedChanges)
        {
            throw new InvalidOperationException($"The writer read {read:N0} changes from {s.LogDirectory}, expected {s.ExpectedChanges:N0}.");
        }

        var metrics = writer.Metrics.Read();
        return Figures(seconds, read, metrics.Commits, null, metrics);
    }

    /// <summary>
    /// Capture and writer together. Pipeline mode ends when the lake has a commit covering the last expected change
    /// (looked for every 10 ms by a reader of the lake); stream mode when a line arrives on standard input.
    /// </summary>
    private static async Task<CdcChildFigures> PipelineAsync(CdcChildSettings s, EmbeddedChangeLog log)
    {
        await using var publisher = log.OpenPublisher();
        var capture = new BinlogCapture(await CaptureOptionsAsync(s), publisher, new LocalFolderStateStore(s.StateDirectory), Logs?.CreateLogger<BinlogCapture>());
        var table = await CdcLake.OpenWriterTableAsync(s.LakeRoot);
        using var writer = new PartitionWriter(log, 0, [table], options: WriterOptionsOf(s), logger: Logs?.CreateLogger<PartitionWriter>());
        await writer.OpenAsync();
        using var stopCapture = new CancellationTokenSource();
        using var stopWriter = new CancellationTokenSource();
        var started = Stopwatch.GetTimestamp();
        var captureRun = capture.RunAsync(stopCapture.Token);
        var writerRun = writer.RunAsync(stopWriter.Token);
        double seconds;
        if (s.Mode == "stream")
        {
            await UntilAsync(() => Task.FromResult(capture.Progress.Running), captureRun);
            Console.WriteLine("ready");
            await Console.In.ReadLineAsync();
            seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        }
        else
        {
            var watch = await DeltaTable.OpenAsync(CdcLake.Location(s.LakeRoot));
            await UntilAsync(
                async () => (await watch.RefreshAsync()).GetAppTransactionVersion(writer.AppId) >= s.ExpectedChanges - 1,
                Task.WhenAny(captureRun, writerRun).Unwrap(),
                TimeSpan.FromMilliseconds(10));
            seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        }

        await StopAsync(stopCapture, captureRun);
        await stopWriter.CancelAsync();
        await writerRun;
        var metrics = writer.Metrics.Read();
        return Figures(seconds, metrics.ChangesRead, metrics.Commits, capture.Progress, metrics);
    }

    private static async Task<CaptureOptions> CaptureOptionsAsync(CdcChildSettings s)
    {
        var source = await CdcLake.DiscoverAsync();
        return new CaptureOptions
        {
            JobName = "bench-cdc",
            Source = MySqlBenchData.Connection with { User = "cdc_repl", Password = "cdc_repl", Name = "bench-cdc-capture" },
            ReplicaServerId = s.ReplicaServerId,
            Tables = new TableSelection { Include = [TablePattern.TryParse(CdcBenchData.QualifiedTable, out _)!] },
            Start = new CaptureStart(new BinlogPosition(s.StartFile!, s.StartOffset)),
            DiscoveredTables = [source],
        };
    }

    private static WriterOptions WriterOptionsOf(CdcChildSettings s)
    {
        var commit = new CommitPolicy();
        if (s.MaxBufferedChanges is { } count)
        {
            commit = commit with { MaxBufferedChanges = count };
        }

        if (s.CommitByCountOnly)
        {
            commit = commit with { MaxBufferAge = TimeSpan.FromHours(1) };
        }

        return new WriterOptions { Mode = s.WriteMode, Commit = commit };
    }

    private static async Task<long> PublishedAsync(EmbeddedChangeLog log) => (await log.GetPartitionPropertiesAsync(0)).LastSequenceNumber + 1;

    /// <summary>Looks at <paramref name="condition"/> every few milliseconds until it holds; fails when <paramref name="work"/> ends first.</summary>
    private static async Task UntilAsync(Func<Task<bool>> condition, Task work, TimeSpan? interval = null)
    {
        while (!await condition())
        {
            if (work.IsCompleted)
            {
                await work;
                throw new InvalidOperationException("The capture or writer ended before the benchmark's condition was met.");
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(5));
        }
    }

    private static async Task StopAsync(CancellationTokenSource stop, Task run)
    {
        await stop.CancelAsync();
        try
        {
            await run;
        }
        catch (OperationCanceledException)
        {
            // Asked to stop.
        }
    }

    private static CdcChildFigures Figures(double seconds, long changes, long commits, CaptureProgress? capture, WriterMetricsSnapshot? writer)
    {
        using var self = Process.GetCurrentProcess();
        return new CdcChildFigures(
            seconds, self.TotalProcessorTime.TotalSeconds, PeakMemory.OfThisProcess(), changes, commits,
            capture?.BatchesPublished ?? 0, capture?.PeakBufferedBytes ?? 0, writer?.ParquetFlushP50, writer?.ParquetFlushP99,
            GC.GetTotalAllocatedBytes(), GC.CollectionCount(2));
    }

    /// <summary>A started child: its standard input and output, and its figures once it ends.</summary>
    public sealed class Running(Process process, string mode) : IDisposable
    {
        private readonly List<string> lines = [];
        private readonly Task<string> errors = process.StandardError.ReadToEndAsync();

        /// <summary>Reads the child's output until it says <c>ready</c>.</summary>
        public async Task WaitReadyAsync()
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                lines.Add(line);
                if (line == "ready")
                {
                    return;
                }
            }

            throw Failed();
        }

        public async Task StopAsync() => await process.StandardInput.WriteLineAsync("stop");

        public async Task<CdcChildFigures> CompleteAsync()
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                lines.Add(line);
            }

            await process.WaitForExitAsync();
            if (Diagnostic)
            {
                await Console.Error.WriteAsync(await errors);
            }

            if (process.ExitCode != 0 || lines.Count == 0 || !lines[^1].StartsWith('{'))
            {
                throw Failed();
            }

            return JsonSerializer.Deserialize<CdcChildFigures>(lines[^1], Json)!;
        }

        private InvalidOperationException Failed() => new(string.Create(CultureInfo.InvariantCulture,
            $"The cdc {mode} child process failed (exit {(process.HasExited ? process.ExitCode : -1)}): {string.Join('\n', lines)}\n{errors.Result}"));

        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }
    }
}
