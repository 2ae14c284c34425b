namespace Serverless.Bench;

/// <summary>One source shape the snapshot benchmark copies: the tables (db.table), their database, and their row count.</summary>
public sealed record SnapshotScenario(string Name, string Database, IReadOnlyList<string> Tables, long Rows)
{
    public IEnumerable<string> QualifiedTables => Tables.Select(t => $"{Database}.{t}");
}
