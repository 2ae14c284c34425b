namespace Serverless.Cdc.Transport;

/// <summary>The change log's folder does not match what it is opened with (missing, other partition count, newer format).</summary>
public sealed class ChangeLogConfigurationException : Exception
{
    public ChangeLogConfigurationException()
    {
    }

    public ChangeLogConfigurationException(string message)
        : base(message)
    {
    }

    public ChangeLogConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
