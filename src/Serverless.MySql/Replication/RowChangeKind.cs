namespace Serverless.MySql.Replication;

public enum RowChangeKind : byte
{
    Insert,
    Update,
    Delete,
}
