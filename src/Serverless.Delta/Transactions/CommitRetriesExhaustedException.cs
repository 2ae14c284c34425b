namespace Serverless.Delta.Transactions;

/// <summary>The commit lost the race more often than the configured attempts allow.</summary>
public sealed class CommitRetriesExhaustedException : DeltaException
{
    public CommitRetriesExhaustedException(int attempts, long lastVersionTried)
        : base($"The commit lost the race for a new version {attempts} times in a row (last tried version {lastVersionTried}). Too many writers contend for this table; raise CommitOptions.MaxAttempts or batch more changes per commit.")
    {
        Attempts = attempts;
    }

    public int Attempts { get; }
}
