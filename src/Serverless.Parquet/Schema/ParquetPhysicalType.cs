namespace Serverless.Parquet;

/// <summary>Physical (storage) types; the numeric values are those of parquet.thrift's Type enum.</summary>
public enum ParquetPhysicalType
{
    Boolean = 0,
    Int32 = 1,
    Int64 = 2,

    /// <summary>Legacy 12-byte timestamps (Spark, Hive, Impala); read only.</summary>
    Int96 = 3,
    Float = 4,
    Double = 5,
    ByteArray = 6,
    FixedLenByteArray = 7,
}
