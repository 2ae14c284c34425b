namespace Serverless.MySql.Binlog;

/// <summary>The binlog stream held bytes that do not follow the event format (truncated or corrupt events).</summary>
public class BinlogFormatException : Exception
{
    public BinlogFormatException()
    {
    }

    public BinlogFormatException(string message)
        : base(message)
    {
    }

    public BinlogFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
