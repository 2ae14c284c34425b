namespace Serverless.Cdc.Schema.Evolution;

/// <summary>
/// A DDL the job's schemaChanges does not let the writer apply: <c>fail</c> at any DDL that changes the lake table, <c>ignore</c>
/// when the rows after it cannot fit the unchanged lake table. The table stops at the DDL (its changes from there stay in the
/// change log); the fix is another behaviour or a re-snapshot of the table.
/// </summary>
public sealed class SchemaChangeRejectedException : Exception
{
    public SchemaChangeRejectedException()
    {
    }

    public SchemaChangeRejectedException(string message)
        : base(message)
    {
    }

    public SchemaChangeRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
