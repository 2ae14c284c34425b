using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Orchestrations.Activities;
using Serverless.Orchestrations.Hosting;

namespace Serverless.Orchestrations.IntegrationTests;

/// <summary>
/// Entry point of the test assembly when run as a process (<c>dotnet exec Serverless.Orchestrations.IntegrationTests.dll
/// snapshot-host JOB_SPEC STATE_FOLDER LEDGER HOLD_AFTER_READS</c>): runs the job with <see cref="JobRunner"/> the way the
/// CLI does, counting chunk reads in LEDGER and holding every read after the first HOLD_AFTER_READS. The kill-and-resume
/// test SIGKILLs it mid-way. With <c>stream-host JOB_SPEC STATE_FOLDER</c> it streams after the snapshot until killed;
/// <c>resnapshot-host JOB_SPEC STATE_FOLDER LEDGER</c> does the same, counting chunk reads in LEDGER and holding each after the first.
/// </summary>
public static class SnapshotHostProgram
{
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 3 && args[0] == "stream-host")
        {
            return await StreamAsync(args[1], args[2], null);
        }

        if (args.Length == 4 && args[0] == "resnapshot-host")
        {
            // Streams with every chunk read after the first held: a re-snapshot stays mid-way until the host is killed.
            return await StreamAsync(args[1], args[2], new ChunkReadLedger(args[3], TimeSpan.Zero, holdAfterReads: 1));
        }

        if (args.Length != 5 || args[0] != "snapshot-host")
        {
            await Console.Error.WriteLineAsync("usage: Serverless.Orchestrations.IntegrationTests snapshot-host JOB_SPEC STATE_FOLDER LEDGER HOLD_AFTER_READS | stream-host JOB_SPEC STATE_FOLDER | resnapshot-host JOB_SPEC STATE_FOLDER LEDGER");
            return 64;
        }

        var options = TestJobs.RunnerOptions(args[2], args[3], TimeSpan.Zero, int.Parse(args[4], CultureInfo.InvariantCulture));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2)); // guards against an orphaned host
        var exit = await JobRunner.RunAsync(args[1], options, new ConsoleProgress(), timeout.Token);
        Console.WriteLine($"snapshot-host exit {exit}");
        return exit;
    }

    /// <summary>stream-host: runs the job as `serverless run` does (snapshot, then streaming until killed), short segments.</summary>
    private static async Task<int> StreamAsync(string spec, string state, ChunkReadLedger? ledger)
    {
        var options = new JobRunnerOptions
        {
            StateFolder = state,
            ProgressInterval = TimeSpan.FromMilliseconds(200),
            StreamStatusWriteInterval = TimeSpan.FromMilliseconds(300),
            StreamSegmentLength = TimeSpan.FromSeconds(5),
            ConfigureServices = ledger is null ? null : services => services.AddSingleton<IChunkReadObserver>(ledger),
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3)); // guards against an orphaned host
        var exit = await JobRunner.RunAsync(spec, options, new ConsoleProgress(), timeout.Token);
        Console.WriteLine($"stream-host exit {exit}");
        return exit;
    }

    private sealed class ConsoleProgress : IProgress<JobProgress>
    {
        public void Report(JobProgress value) =>
            Console.WriteLine($"{value.Phase} rows={value.RowsRead} chunks={value.Tables.Sum(t => t.ChunksCommitted)}/{value.Tables.Sum(t => t.ChunksTotal)} {value.Message}");
    }
}
