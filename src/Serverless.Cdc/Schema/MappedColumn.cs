using Serverless.Delta.Schema;
using Serverless.Parquet;

namespace Serverless.Cdc.Schema;

/// <summary>
/// One source column's place in the lake: its Delta type, whether the lake column may hold null, the Parquet column
/// written for it (named by the logical name and REQUIRED when <see cref="Nullable"/> is false, until
/// <see cref="TableMapping.ForLakeTable"/> conforms it to the lake table's own schema), and the conversion.
/// </summary>
public sealed record MappedColumn(SourceColumn Source, DeltaType DeltaType, bool Nullable, ParquetColumn Parquet, ValueConversion Conversion)
{
    /// <summary>The SELECT-list expression that reads this column (FLOAT is widened to DOUBLE exactly).</summary>
    public string SelectExpression => Conversion == ValueConversion.Float
        ? $"CAST({SqlText.Identifier(Source.Name)} AS DOUBLE)"
        : SqlText.Identifier(Source.Name);
}
