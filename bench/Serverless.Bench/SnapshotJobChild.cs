using System.Diagnostics;
using System.Globalization;
using Serverless.Orchestrations.Hosting;

namespace Serverless.Bench;

/// <summary>
/// Runs one snapshot job (<see cref="JobRunner"/>) in a child process of the bench executable, so its whole-process
/// peak RSS is the job's own. The child prints "exitCode peakRssBytes seconds cpuSeconds" on its last line.
/// </summary>
public static class SnapshotJobChild
{
    public const string Flag = "--child";

    public sealed record Figures(double WallSeconds, double InnerSeconds, double CpuSeconds, long PeakRssBytes);

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
            long.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    /// <summary>The child's side: runs the job and prints its figures; a failed job prints its progress messages first.</summary>
    public static async Task<int> ChildAsync(string jobSpecPath, string stateFolder)
    {
        var progress = new LastMessages();
        var sw = Stopwatch.StartNew();
        var rc = await JobRunner.RunAsync(jobSpecPath, new JobRunnerOptions { StateFolder = stateFolder, ProgressInterval = TimeSpan.FromSeconds(1) }, progress, CancellationToken.None);
        var seconds = sw.Elapsed.TotalSeconds;
        using var self = Process.GetCurrentProcess();
        if (rc != JobExitCodes.Success)
        {
            foreach (var line in progress.Lines)
            {
                Console.WriteLine(line);
            }
        }

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
        public List<string> Lines { get; } = [];

        public void Report(JobProgress value)
        {
            if (value.Message is not null || value.Problems.Count > 0)
            {
                Lines.Add($"{value.Phase}: {value.Message} {string.Join("; ", value.Problems)}");
            }
        }
    }
}
