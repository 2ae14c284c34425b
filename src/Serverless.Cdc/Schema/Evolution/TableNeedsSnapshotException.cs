namespace Serverless.Cdc.Schema.Evolution;

/// <summary>A DDL that cannot be applied in order with the rows around it (a table renamed into the job's patterns, CREATE TABLE … LIKE, a key the lake cannot merge by, a schema the writer's mapping does not match): the table stops and the message names the fix, usually a snapshot of the table.</summary>
public sealed class TableNeedsSnapshotException : Exception
{
    public TableNeedsSnapshotException()
    {
    }

    public TableNeedsSnapshotException(string message)
        : base(message)
    {
    }

    public TableNeedsSnapshotException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
