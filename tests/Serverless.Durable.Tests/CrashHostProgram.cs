using Microsoft.DurableTask;
using Serverless.Durable.Runtime;

namespace Serverless.Durable.Tests;

/// <summary>
/// Entry point of the test assembly when run as a process (<c>dotnet exec Serverless.Durable.Tests.dll crash-host
/// STORE LEDGER</c>): starts an embedded runtime on STORE, which resumes the crash workflow found there, and runs
/// until killed. The crash test SIGKILLs it mid-way.
/// </summary>
public static class CrashHostProgram
{
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length != 3 || args[0] != "crash-host")
        {
            await Console.Error.WriteLineAsync("usage: Serverless.Durable.Tests crash-host STORE_FOLDER LEDGER_FILE");
            return 2;
        }

        var registry = CrashWorkflow.Register(new DurableTaskRegistry(), args[2], secondHalfMilliseconds: 5_000);
        await using var runtime = EmbeddedDurableRuntime.ForLocalFolder(args[1], registry, CrashWorkflow.Options());
        await runtime.StartAsync();
        Console.WriteLine("crash-host running");

        // Runs until the test kills the process; the timeout only guards against an orphaned host.
        await Task.Delay(TimeSpan.FromMinutes(2));
        return 1;
    }
}
