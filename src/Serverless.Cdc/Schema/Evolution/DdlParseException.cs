namespace Serverless.Cdc.Schema.Evolution;

/// <summary>A DDL statement on a replicated table that the parser cannot read; its table stops there (retrying cannot help).</summary>
public sealed class DdlParseException : Exception
{
    public DdlParseException()
    {
    }

    public DdlParseException(string message)
        : base(message)
    {
    }

    public DdlParseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
