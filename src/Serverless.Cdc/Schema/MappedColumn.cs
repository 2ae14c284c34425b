using Serverless.Delta.Schema;
using Serverless.Parquet;

namespace Serverless.Cdc.Schema;

/// <summary>
/// One source column's place in the lake: its Delta type, the Parquet column written for it (named by the logical
/// name until <see cref="TableMapping.WithColumnMapping"/> applies physical names and field ids), and the conversion.
/// </summary>
public sealed record MappedColumn(SourceColumn Source, DeltaType DeltaType, ParquetColumn Parquet, ValueConversion Conversion)
{
    /// <summary>The SELECT-list expression that reads this column (FLOAT is widened to DOUBLE exactly).</summary>
    public string SelectExpression => Conversion == ValueConversion.Float
        ? $"CAST({SqlText.Identifier(Source.Name)} AS DOUBLE)"
        : SqlText.Identifier(Source.Name);
}
