namespace Serverless.Cdc.Writer;

/// <summary>A partition holds a change of a table its writer was not given a lake table for; retrying cannot help.</summary>
public sealed class UnknownTableException : Exception
{
    public UnknownTableException()
    {
    }

    public UnknownTableException(string message)
        : base(message)
    {
    }

    public UnknownTableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
