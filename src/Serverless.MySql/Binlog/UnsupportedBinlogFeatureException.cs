namespace Serverless.MySql.Binlog;

/// <summary>The binlog uses a feature this reader refuses to guess at; the message names the server setting that avoids it.</summary>
public sealed class UnsupportedBinlogFeatureException : BinlogFormatException
{
    public UnsupportedBinlogFeatureException()
    {
    }

    public UnsupportedBinlogFeatureException(string message)
        : base(message)
    {
    }

    public UnsupportedBinlogFeatureException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
