namespace Serverless.Cdc.Schema.Evolution;

/// <summary>A table as a DDL statement names it: <see cref="Database"/> is null when the statement leaves it to the session's default.</summary>
public sealed record DdlTableName(string? Database, string Name)
{
    /// <summary>True when this names <paramref name="database"/>.<paramref name="table"/>, an unqualified name taken to be in <paramref name="database"/>.</summary>
    public bool Is(string database, string table) =>
        string.Equals(Database ?? database, database, StringComparison.Ordinal) && string.Equals(Name, table, StringComparison.Ordinal);

    public override string ToString() => Database is null ? Name : Database + "." + Name;
}
