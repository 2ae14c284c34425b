using System.Diagnostics;
using System.Globalization;
using Serverless.Cdc.Transport;

namespace Serverless.Cdc.IntegrationTests.EndToEnd;

/// <summary>
/// The capture, writer and compactor child processes of one job (<see cref="PipelineHostProgram"/>), started, SIGKILLed and
/// restarted by role (<c>capture</c>, <c>writer-N</c>, <c>compactor</c>). Every wait fails at once, with the child's error, when a child
/// wrote one or exited on its own.
/// </summary>
internal sealed class PipelineProcesses : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);
    private readonly string settingsFile;
    private readonly PipelineHostSettings settings;
    private readonly Dictionary<string, Process> running = new(StringComparer.Ordinal);

    public PipelineProcesses(string settingsFile, int partitions)
    {
        this.settingsFile = settingsFile;
        settings = PipelineHostProgram.ReadSettings(settingsFile);
        Roles = ["capture", .. Enumerable.Range(0, partitions).Select(PipelineHostSettings.WriterRole), "compactor"];
        Directory.CreateDirectory(settings.SignalDirectory);
    }

    public IReadOnlyList<string> Roles { get; }

    /// <summary>Processes started per role, restarts included.</summary>
    public Dictionary<string, int> Starts { get; } = new(StringComparer.Ordinal);

    public void StartAll()
    {
        foreach (var role in Roles)
        {
            Start(role);
        }
    }

    public void Start(string role)
    {
        File.Delete(settings.ReadyFile(role));
        string[] arguments = role switch
        {
            "capture" => ["e2e-capture", settingsFile],
            "compactor" => ["e2e-compactor", settingsFile],
            _ => ["e2e-writer", settingsFile, role["writer-".Length..]],
        };
        running[role] = ProcessRunner.StartTestHost(typeof(Transport.TransportHostProgram).Assembly, arguments);
        Starts[role] = Starts.GetValueOrDefault(role) + 1;
    }

    /// <summary>Waits until the role's process has started its work (P0 recorded, lake tables there).</summary>
    public async Task WaitReadyAsync(string role) =>
        await WaitAsync(() => Task.FromResult(File.Exists(settings.ReadyFile(role))), $"{role} to start its work");

    /// <summary>SIGKILL: no flush, no checkpoint, no dispose; then waits for the process to be gone.</summary>
    public async Task KillAsync(string role)
    {
        ThrowIfFailed();
        var process = running[role];
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
        running.Remove(role);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails when a child fails or after a generous bound.</summary>
    public async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            ThrowIfFailed();
            if (clock.Elapsed > Bound)
            {
                throw new TimeoutException($"Waited {Bound.TotalMinutes} minutes in vain for {what}.");
            }

            await Task.Delay(25);
        }

        ThrowIfFailed();
    }

    /// <summary>The error a child wrote, or the exit of a child that ended on its own.</summary>
    public void ThrowIfFailed()
    {
        foreach (var role in Roles)
        {
            if (File.Exists(settings.ErrorFile(role)))
            {
                throw new InvalidOperationException($"The {role} process failed:\n{File.ReadAllText(settings.ErrorFile(role))}");
            }

            if (running.TryGetValue(role, out var process) && process.HasExited)
            {
                throw new InvalidOperationException($"The {role} process exited on its own with code {process.ExitCode.ToString(CultureInfo.InvariantCulture)}.");
            }
        }
    }

    /// <summary>Files the compactor processes have rewritten so far, over all their restarts (the count is written after a round's
    /// commits, so a kill in between can leave it a round behind).</summary>
    public int FilesCompacted
    {
        get
        {
            var path = settings.ReadyFile("compactor.rewritten");
            return File.Exists(path) && int.TryParse(File.ReadAllText(path), CultureInfo.InvariantCulture, out var files) ? files : 0;
        }
    }

    /// <summary>The retention hold the writer of <paramref name="partition"/> set: the next sequence it needs.</summary>
    public long? WriterHold(int partition)
    {
        var path = Path.Combine(settings.LogDirectory, "holds", "p" + partition.ToString("D4", CultureInfo.InvariantCulture), "writer.hold");
        return File.Exists(path) ? long.Parse(File.ReadAllText(path), CultureInfo.InvariantCulture) : null;
    }

    /// <summary>True when every partition's writer has committed everything its partition holds.</summary>
    public async Task<bool> WritersCaughtUpAsync(IChangeLog log)
    {
        for (var p = 0; p < log.PartitionCount; p++)
        {
            var properties = await log.GetPartitionPropertiesAsync(p);
            if (WriterHold(p) != properties.LastSequenceNumber + 1)
            {
                return false;
            }
        }

        return true;
    }

    public void Dispose()
    {
        foreach (var process in running.Values)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }

            process.Dispose();
        }

        running.Clear();
    }
}
