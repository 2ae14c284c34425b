namespace Serverless.Cdc.Schema.Evolution;

/// <summary>A DDL statement from the binlog as it concerns tables, parsed by <see cref="DdlParser"/>.</summary>
public abstract record TableDdl
{
    /// <summary>The statement as written.</summary>
    public required string Sql { get; init; }
}

/// <summary><c>ALTER TABLE</c> with its clauses in statement order.</summary>
public sealed record AlterTableDdl(DdlTableName Table, IReadOnlyList<AlterClause> Clauses) : TableDdl;

/// <summary>
/// <c>CREATE TABLE</c> with its columns in table order and its keys. <see cref="LikeTable"/> is set for
/// <c>CREATE TABLE t LIKE other</c>, whose columns the statement does not list.
/// </summary>
public sealed record CreateTableDdl(DdlTableName Table, IReadOnlyList<ColumnDefinition> Columns) : TableDdl
{
    /// <summary>The primary key's columns in key order (table-level or a column's own PRIMARY KEY), or empty.</summary>
    public IReadOnlyList<string> PrimaryKey { get; init; } = [];

    /// <summary>The unique keys' columns, without those that index a column prefix (they cannot identify rows).</summary>
    public IReadOnlyList<IReadOnlyList<string>> UniqueKeys { get; init; } = [];

    /// <summary>The table's default character set (<c>DEFAULT CHARSET=</c>), or null.</summary>
    public string? CharacterSet { get; init; }

    public DdlTableName? LikeTable { get; init; }

    public bool IfNotExists { get; init; }

    /// <summary>CREATE OR REPLACE: an existing table of that name is dropped first.</summary>
    public bool OrReplace { get; init; }
}

/// <summary><c>DROP TABLE a, b</c>.</summary>
public sealed record DropTableDdl(IReadOnlyList<DdlTableName> Tables) : TableDdl;

/// <summary><c>DROP DATABASE db</c>: every table in it is dropped.</summary>
public sealed record DropDatabaseDdl(string Database) : TableDdl;

/// <summary><c>RENAME TABLE a TO b, c TO d</c> (and <c>ALTER TABLE a RENAME TO b</c> alone).</summary>
public sealed record RenameTableDdl(IReadOnlyList<(DdlTableName From, DdlTableName To)> Renames) : TableDdl;

/// <summary><c>TRUNCATE [TABLE] t</c>.</summary>
public sealed record TruncateTableDdl(DdlTableName Table) : TableDdl;

/// <summary>A statement that changes no table's columns or rows: CREATE/DROP INDEX, temporary tables, views, routines, grants.</summary>
public sealed record NoTableChangeDdl : TableDdl;
