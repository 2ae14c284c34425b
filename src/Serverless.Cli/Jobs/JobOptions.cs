using System.CommandLine;

namespace Serverless.Cli.Jobs;

/// <summary>Options shared by the job commands.</summary>
internal static class JobOptions
{
    public static Option<string> JobSpec() => new("--job", "-j")
    {
        Description = "The job spec (JSON; see docs/job-spec.md). Relative paths in it are relative to its folder.",
        Required = true,
    };

    public static Option<string?> StateFolder() => new("--state")
    {
        Description = "Folder for orchestration history and job state (default: .serverless-state beside a local lake, else beside the job spec).",
    };
}
