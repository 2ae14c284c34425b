namespace Serverless.Cdc.Schema.Evolution;

/// <summary>A DDL reached a table of a job whose schemaChanges is <c>fail</c>: the table stops at the DDL (its changes from there stay in the change log). The fix is to re-snapshot the table, or to choose another behaviour.</summary>
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
