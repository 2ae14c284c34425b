namespace Serverless.Cli;

/// <summary>
/// Process exit codes: scripts tell a mistyped command (fix the arguments) from a failed one (fix the data or retry).
/// `serverless run` adds its own (see <see cref="Serverless.Orchestrations.Hosting.JobExitCodes"/>).
/// </summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command ran and failed: missing table, unreadable log, storage error.</summary>
    public const int Failure = 1;

    /// <summary>The arguments are wrong: unknown option, bad value, conflicting options, a column the table lacks.</summary>
    public const int Usage = 2;

    /// <summary>
    /// `serverless run` only: preflight found problems retrying cannot fix (source settings or login, a lake target or
    /// state folder that cannot be written), each printed with its fix. Nothing was written.
    /// </summary>
    public const int PreflightFailed = Serverless.Orchestrations.Hosting.JobExitCodes.PreflightFailed;

    /// <summary>`serverless verify` only: the source and the lake differ; the report lists the rows (missing, extra, different).</summary>
    public const int Differences = 4;

    /// <summary>Stopped by Ctrl-C (128 + SIGINT, what shells report for an interrupted command).</summary>
    public const int Cancelled = 130;
}
