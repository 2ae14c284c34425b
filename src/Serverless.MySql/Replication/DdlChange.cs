namespace Serverless.MySql.Replication;

/// <summary>A statement logged as text outside row events: CREATE/ALTER/DROP/RENAME/TRUNCATE and similar.</summary>
public sealed class DdlChange : ReplicationEvent
{
    /// <summary>The default database when the statement ran (may be empty; the SQL may name other databases).</summary>
    public required string Schema { get; init; }

    public required string Sql { get; init; }

    public override string ToString() => $"DDL in '{Schema}' at {Position}: {Sql}";
}
