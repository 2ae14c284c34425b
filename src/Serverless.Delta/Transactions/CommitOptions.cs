namespace Serverless.Delta.Transactions;

/// <summary>Retry and post-commit settings of the commit pipeline.</summary>
public sealed record CommitOptions
{
    public static CommitOptions Default { get; } = new();

    /// <summary>Attempts at writing the commit file before giving up (each lost race that is rebased or redone uses one).</summary>
    public int MaxAttempts { get; init; } = 100;

    /// <summary>First backoff after a lost race; doubles per attempt up to <see cref="MaxBackoff"/>, with jitter.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(2);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Write a checkpoint when the committed version is a multiple of this (0 disables).</summary>
    public int CheckpointInterval { get; init; } = 10;

    /// <summary>Snapshots older than this are checked against log cleanup before committing (one HEAD request).</summary>
    public TimeSpan StaleSnapshotAge { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The engineInfo written in commitInfo.</summary>
    public string EngineInfo { get; init; } = "Serverless.Delta/1.0";
}
