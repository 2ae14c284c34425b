namespace Serverless.Cdc.Writer;

/// <summary>
/// A DDL statement reached the writer of a table, and lake schema evolution is not implemented yet: the table's writing stops
/// after the rows before the DDL. Retrying cannot help; the fix is a re-snapshot of the table (or the DDL round's handler).
/// </summary>
public sealed class SchemaEvolutionNotImplementedException : Exception
{
    public SchemaEvolutionNotImplementedException()
    {
    }

    public SchemaEvolutionNotImplementedException(string message)
        : base(message)
    {
    }

    public SchemaEvolutionNotImplementedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
