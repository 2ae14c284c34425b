namespace Serverless.Parquet;

/// <summary>Kinds of logical type annotations (parquet.thrift LogicalType union members).</summary>
public enum ParquetLogicalTypeKind
{
    String = 1,
    Map = 2,
    List = 3,
    Enum = 4,
    Decimal = 5,
    Date = 6,
    Time = 7,
    Timestamp = 8,
    Interval = 9,
    Integer = 10,
    Unknown = 11,
    Json = 12,
    Bson = 13,
    Uuid = 14,
    Float16 = 15,

    /// <summary>A union member this library does not know (a newer writer); the column reads as its physical type.</summary>
    Other = 100,
}
