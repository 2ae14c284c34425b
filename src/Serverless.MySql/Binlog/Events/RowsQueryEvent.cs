namespace Serverless.MySql.Binlog.Events;

/// <summary>The SQL text behind the following rows events: MariaDB ANNOTATE_ROWS or MySQL ROWS_QUERY (binlog_rows_query_log_events).</summary>
public sealed class RowsQueryEvent(BinlogEventHeader header, string sql) : BinlogEvent(header)
{
    public string Sql { get; } = sql;
}
