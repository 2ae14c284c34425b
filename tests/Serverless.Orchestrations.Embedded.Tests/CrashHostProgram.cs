namespace Serverless.Orchestrations.Embedded.Tests;

/// <summary>Entry point when the test assembly runs as the crash test's child process; see <see cref="CrashWorkflow"/>.</summary>
public static class CrashHostProgram
{
    public static Task<int> Main(string[] args) => CrashWorkflow.RunHostAsync(args);
}
