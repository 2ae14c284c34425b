namespace Serverless.Cdc.Schema;

/// <summary>
/// A source row holds null (or a zero date mapped to null) for a column the lake table declares NOT NULL. The message
/// names the table, the column and the row's key; retrying the same read cannot help, re-running schema migration does.
/// </summary>
public sealed class NullInNotNullColumnException : Exception
{
    public NullInNotNullColumnException()
    {
    }

    public NullInNotNullColumnException(string message)
        : base(message)
    {
    }

    public NullInNotNullColumnException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
