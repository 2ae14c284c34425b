namespace Serverless.MySql.Replication;

/// <summary>The source no longer has the binlog needed to continue (server error 1236): changes since then are lost to capture.</summary>
public sealed class BinlogPurgedException : Exception
{
    public BinlogPurgedException()
    {
    }

    public BinlogPurgedException(string message)
        : base(message)
    {
    }

    public BinlogPurgedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BinlogPurgedException(string requested, string serverMessage, Exception? innerException)
        : base($"The source cannot stream from {requested}: {serverMessage} (error 1236). The binlog was purged before capture read it, " +
               "so changes since then can no longer be captured. Re-snapshot the affected tables to recover, and keep binlogs longer than " +
               "the worst capture lag: raise binlog_expire_logs_seconds (MySQL 8) or expire_logs_days / binlog_expire_logs_seconds (MariaDB).",
               innerException)
    {
        Requested = requested;
        ServerMessage = serverMessage;
    }

    public string? Requested { get; }

    public string? ServerMessage { get; }
}
