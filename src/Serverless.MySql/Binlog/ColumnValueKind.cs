namespace Serverless.MySql.Binlog;

/// <summary>What a decoded column value holds, which says which accessor of <see cref="ColumnValue"/> applies.</summary>
public enum ColumnValueKind : byte
{
    Null,
    Int64,
    UInt64,
    Single,
    Double,
    Decimal,
    Year,
    Date,
    Time,
    DateTime,
    Timestamp,
    Bit,
    Enum,
    Set,
    String,
    Binary,
    Json,
    Geometry,
}
