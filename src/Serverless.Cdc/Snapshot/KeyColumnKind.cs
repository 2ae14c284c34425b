using Serverless.Cdc.Schema;

namespace Serverless.Cdc.Snapshot;

/// <summary>How a key column is read for boundaries and compared in chunk predicates.</summary>
internal static class KeyColumnKind
{
    public static KeyValueKind Of(SourceColumn column) => column.DataType switch
    {
        "tinyint" or "smallint" or "mediumint" or "int" or "integer" or "bigint" or "decimal" or "numeric" or "float" or "double"
            or "real" or "year" or "bit" or "enum" or "set" => KeyValueKind.Number,
        "date" or "datetime" or "timestamp" or "time" => KeyValueKind.Temporal,
        "binary" or "varbinary" or "tinyblob" or "blob" or "mediumblob" or "longblob" => KeyValueKind.Binary,
        _ when column.CharacterSet is null => KeyValueKind.Binary,
        _ => KeyValueKind.Text,
    };

    public static bool IsInteger(SourceColumn column) =>
        column.DataType is "tinyint" or "smallint" or "mediumint" or "int" or "integer" or "bigint";

    /// <summary>
    /// The expression that reads the key for boundaries: ENUM/SET and BIT by their number (they sort by it), text and
    /// binary as hex of the stored bytes, FLOAT widened exactly to DOUBLE.
    /// </summary>
    public static string SampleExpression(SourceColumn column)
    {
        var id = SqlText.Identifier(column.Name);
        return column.DataType switch
        {
            "enum" or "set" or "bit" => $"({id} + 0)",
            "float" => $"CAST({id} AS DOUBLE)",
            _ => Of(column) is KeyValueKind.Text or KeyValueKind.Binary ? $"HEX({id})" : id,
        };
    }

    /// <summary>The column as it appears in chunk predicates (ENUM/SET/BIT compared by number).</summary>
    public static string PredicateExpression(SourceColumn column)
    {
        var id = SqlText.Identifier(column.Name);
        return column.DataType is "enum" or "set" or "bit" ? $"({id} + 0)" : id;
    }

    public static KeyValue FromSample(SourceColumn column, string text) =>
        new(Of(column), text, Of(column) == KeyValueKind.Text ? column.CharacterSet : null);
}
