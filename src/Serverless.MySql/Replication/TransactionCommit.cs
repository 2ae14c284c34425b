namespace Serverless.MySql.Replication;

/// <summary>The end of a transaction: every change of it has been delivered; a safe checkpoint.</summary>
public sealed class TransactionCommit : ReplicationEvent
{
    /// <summary>Rows delivered for this transaction (after table filtering).</summary>
    public long RowCount { get; init; }

    public override string ToString() => $"COMMIT {Gtid} at {Position} ({RowCount} rows)";
}
