namespace Serverless.MySql.Binlog.Events;

public enum RowsEventKind : byte
{
    Write,
    Update,
    Delete,
}
