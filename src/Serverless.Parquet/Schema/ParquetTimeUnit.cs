namespace Serverless.Parquet;

/// <summary>Unit of TIME and TIMESTAMP logical types.</summary>
public enum ParquetTimeUnit
{
    Millis = 1,
    Micros = 2,
    Nanos = 3,
}
