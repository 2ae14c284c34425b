namespace Serverless.Bench;

/// <summary>One source shape the snapshot benchmark copies: the tables (db.table), their database, their row count and their columns.</summary>
public sealed record SnapshotScenario(string Name, string Database, IReadOnlyList<string> Tables, long Rows, string ColumnsDescription)
{
    public IEnumerable<string> QualifiedTables => Tables.Select(t => $"{Database}.{t}");
}
