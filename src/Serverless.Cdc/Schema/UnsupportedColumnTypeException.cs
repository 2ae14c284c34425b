namespace Serverless.Cdc.Schema;

/// <summary>Columns whose MySQL/MariaDB type has no lake mapping; the message names each table, column and type and what to do.</summary>
public sealed class UnsupportedColumnTypeException : Exception
{
    public UnsupportedColumnTypeException(string table, IReadOnlyList<SourceColumn> columns)
        : base(Format(table, columns))
    {
        Table = table;
        Columns = columns;
    }

    public UnsupportedColumnTypeException()
        : base("A column type has no lake mapping.")
    {
        Table = string.Empty;
        Columns = [];
    }

    public UnsupportedColumnTypeException(string message)
        : base(message)
    {
        Table = string.Empty;
        Columns = [];
    }

    public UnsupportedColumnTypeException(string message, Exception innerException)
        : base(message, innerException)
    {
        Table = string.Empty;
        Columns = [];
    }

    public string Table { get; }

    public IReadOnlyList<SourceColumn> Columns { get; }

    private static string Format(string table, IReadOnlyList<SourceColumn> columns) =>
        $"Table {table} has {(columns.Count == 1 ? "a column" : columns.Count + " columns")} of a type the lake cannot hold: " +
        string.Join(", ", columns.Select(c => $"'{c.Name}' {c.ColumnType}")) +
        ". Exclude the table in the job spec (\"tables\": {\"exclude\": [\"" + table + "\"]}), or change the column to a supported type " +
        "(e.g. ALTER TABLE ... MODIFY to a VARCHAR/BLOB) — and tell us the type so a mapping can be added.";
}
