namespace Serverless.Cdc.Capture;

/// <summary>Bytes that are not a change event this version can read: damaged, truncated or from a newer format.</summary>
public sealed class ChangeEventFormatException : Exception
{
    public ChangeEventFormatException(string message)
        : base(message)
    {
    }

    public ChangeEventFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ChangeEventFormatException()
    {
    }
}
