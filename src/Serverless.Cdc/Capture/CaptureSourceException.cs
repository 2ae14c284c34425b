namespace Serverless.Cdc.Capture;

/// <summary>
/// The source refuses capture for a reason retrying cannot fix: the replication user lost a privilege or its login,
/// or capture cannot find where it stopped on this server (a failover without GTIDs). The message says what to do.
/// </summary>
public sealed class CaptureSourceException : Exception
{
    public CaptureSourceException()
    {
    }

    public CaptureSourceException(string message)
        : base(message)
    {
    }

    public CaptureSourceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
