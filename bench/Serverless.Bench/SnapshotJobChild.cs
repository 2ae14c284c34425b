using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Serverless.Orchestrations.Hosting;
using Serverless.Orchestrations.StartJob;

namespace Serverless.Bench;

/// <summary>
/// Runs one snapshot job (<see cref="JobRunner"/>) in a child process of the bench executable, so its whole-process
/// peak RSS is the job's own. The child prints "exitCode peakRssBytes seconds cpuSeconds" on its last line.
/// </summary>
public static class SnapshotJobChild
{
    public const string Flag = "--child";

    /// <param name="Timeline">When each phase was first seen (progress is polled every 250 ms), when the first chunk was read (rows are counted as chunks finish) and all rows were read, and the size of the orchestration history the run left.</param>
    public sealed record Figures(double WallSeconds, double InnerSeconds, double CpuSeconds, long PeakRssBytes, string Timeline);

    public static async Task<Figures> RunAsync(string jobSpecPath, string stateFolder)
    {
        var psi = new ProcessStartInfo(Environment.ProcessPath!, [.. EntryArguments(), "snapshot", Flag, jobSpecPath, stateFolder])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var sw = Stopwatch.StartNew();
        using var child = Process.Start(psi) ?? throw new InvalidOperationException("could not start the snapshot child process");
        var output = child.StandardOutput.ReadToEndAsync();
        var errors = child.StandardError.ReadToEndAsync();
        await child.WaitForExitAsync();
        var wall = sw.Elapsed.TotalSeconds;
        var lines = (await output).Trim().Split('\n');
        var parts = lines[^1].Split(' ');
        if (child.ExitCode != 0 || parts.Length != 4 || parts[0] != "0")
        {
            throw new InvalidOperationException($"the snapshot job {jobSpecPath} failed (child exit {child.ExitCode}): {string.Join('\n', lines)}\n{await errors}");
        }

        return new Figures(
            wall,
            double.Parse(parts[2], CultureInfo.InvariantCulture),
            double.Parse(parts[3], CultureInfo.InvariantCulture),
            long.Parse(parts[1], CultureInfo.InvariantCulture),
            lines.Length > 1 ? lines[^2] : string.Empty);
    }

    /// <summary>The child's side: runs the job and prints its figures; a failed job prints its progress messages first.</summary>
    public static async Task<int> ChildAsync(string jobSpecPath, string stateFolder)
    {
        using var allocations = Environment.GetEnvironmentVariable("SERVERLESS_BENCH_SNAPSHOT_ALLOCATIONS") == "1" ? new AllocationSampler() : null;
        var progress = new LastMessages();
        var sw = Stopwatch.StartNew();
        // Diagnostic knob: how often the runner reads the instance's status (each read loads the whole history).
        var progressMs = int.TryParse(Environment.GetEnvironmentVariable("SERVERLESS_BENCH_SNAPSHOT_PROGRESS_MS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) ? ms : 250;
        using var loggerFactory = Environment.GetEnvironmentVariable("SERVERLESS_BENCH_SNAPSHOT_LOG") == "1"
            ? LoggerFactory.Create(b => b.AddProvider(new SnapshotTimelineLog()).SetMinimumLevel(LogLevel.Debug))
            : null;
        var options = new JobRunnerOptions { StateFolder = stateFolder, SnapshotOnly = true, ProgressInterval = TimeSpan.FromMilliseconds(progressMs), LoggerFactory = loggerFactory };
        var rc = await JobRunner.RunAsync(jobSpecPath, options, progress, CancellationToken.None);
        var seconds = sw.Elapsed.TotalSeconds;
        using var self = Process.GetCurrentProcess();
        var history = new DirectoryInfo(stateFolder).EnumerateFiles("*", SearchOption.AllDirectories).ToList();
        if (rc != JobExitCodes.Success)
        {
            foreach (var line in progress.Lines)
            {
                Console.WriteLine(line);
            }
        }

        if (allocations is not null)
        {
            Console.WriteLine("allocations by type (sampled): " + allocations.Top(25));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{progress.Timeline}; state folder at the end: {history.Count} files, {history.Sum(f => f.Length) / 1e6:0.00} MB; managed allocations {GC.GetTotalAllocatedBytes() / 1e6:0} MB, GCs gen0/1/2 {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}; JIT {System.Runtime.JitInfo.GetCompiledMethodCount():N0} methods in {System.Runtime.JitInfo.GetCompilationTime().TotalSeconds:0.00} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rc} {PeakMemory.OfThisProcess()} {seconds:R} {self.TotalProcessorTime.TotalSeconds:R}"));
        return 0;
    }

    private static string[] EntryArguments()
    {
        // Under `dotnet run` the entry assembly is a dll started by the dotnet host.
        var entry = System.Reflection.Assembly.GetEntryAssembly()!.Location;
        return Environment.ProcessPath!.EndsWith("dotnet", StringComparison.Ordinal) ? [entry] : [];
    }

    /// <summary>Keeps what the runner said last (phase, message, problems), to explain a failed run.</summary>
    private sealed class LastMessages : IProgress<JobProgress>
    {
        private readonly List<string> timeline = [];
        private JobPhase? lastPhase;
        private bool firstRowsSeen;
        private bool allRowsSeen;

        public List<string> Lines { get; } = [];

        public string Timeline => "timeline (s): " + string.Join(", ", timeline);

        public void Report(JobProgress value)
        {
            if (value.Phase != lastPhase)
            {
                lastPhase = value.Phase;
                timeline.Add(string.Create(CultureInfo.InvariantCulture, $"{value.Phase} {value.Elapsed.TotalSeconds:0.0}"));
            }

            if (!firstRowsSeen && value.RowsRead > 0)
            {
                firstRowsSeen = true;
                timeline.Add(string.Create(CultureInfo.InvariantCulture, $"first chunk read {value.Elapsed.TotalSeconds:0.0}"));
            }

            if (!allRowsSeen && value.RowsEstimate > 0 && value.RowsRead >= value.RowsEstimate)
            {
                allRowsSeen = true;
                timeline.Add(string.Create(CultureInfo.InvariantCulture, $"all rows read {value.Elapsed.TotalSeconds:0.0}"));
            }

            if (value.Message is not null || value.Problems.Count > 0)
            {
                Lines.Add($"{value.Phase}: {value.Message} {string.Join("; ", value.Problems)}");
            }
        }
    }
}
