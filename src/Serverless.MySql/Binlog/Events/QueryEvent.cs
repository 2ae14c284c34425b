namespace Serverless.MySql.Binlog.Events;

/// <summary>QUERY: a statement logged as text: BEGIN, COMMIT, ROLLBACK, XA statements, or DDL (in ROW format, data changes never come as QUERY).</summary>
public sealed class QueryEvent(BinlogEventHeader header, uint threadId, uint executionSeconds, ushort errorCode, string schema, string sql)
    : BinlogEvent(header)
{
    public uint ThreadId { get; } = threadId;

    public uint ExecutionSeconds { get; } = executionSeconds;

    public ushort ErrorCode { get; } = errorCode;

    /// <summary>The default database when the statement ran (may be empty).</summary>
    public string Schema { get; } = schema;

    public string Sql { get; } = sql;

    public bool IsBegin => Sql.Equals("BEGIN", StringComparison.OrdinalIgnoreCase) || Sql.StartsWith("XA START", StringComparison.OrdinalIgnoreCase);

    public bool IsCommit => Sql.Equals("COMMIT", StringComparison.OrdinalIgnoreCase) || Sql.StartsWith("XA COMMIT", StringComparison.OrdinalIgnoreCase);

    public bool IsRollback => Sql.Equals("ROLLBACK", StringComparison.OrdinalIgnoreCase) || Sql.StartsWith("XA ROLLBACK", StringComparison.OrdinalIgnoreCase);

    /// <summary>A statement that is not transaction control: DDL (CREATE/ALTER/DROP/RENAME/TRUNCATE...) or other logged statements.</summary>
    public bool IsDdlOrOther => !IsBegin && !IsCommit && !IsRollback;
}
