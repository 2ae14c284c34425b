namespace Serverless.Orchestrations.Hosting;

/// <summary>Exit codes of a job run (what <see cref="JobRunner.RunAsync(string, string?, IProgress{JobProgress}?, CancellationToken)"/> returns).</summary>
public static class JobExitCodes
{
    /// <summary>Every table is snapshotted (now or by an earlier run).</summary>
    public const int Success = 0;

    /// <summary>The run failed after preflight (a transient failure outlasted its retries, or a permanent one at once); running again resumes.</summary>
    public const int Failed = 1;

    /// <summary>The job spec is invalid; every problem is listed with its field and fix.</summary>
    public const int InvalidSpec = 2;

    /// <summary>
    /// Preflight found problems, each listed with its fix: the source (login, host, settings, privileges, tables) or where
    /// the job writes (the lake target, the state folder). Nothing was written; retrying without a fix fails the same way.
    /// </summary>
    public const int PreflightFailed = 3;

    /// <summary>Cancelled (Ctrl-C, 128 + SIGINT); running again resumes where it stopped.</summary>
    public const int Cancelled = 130;
}
