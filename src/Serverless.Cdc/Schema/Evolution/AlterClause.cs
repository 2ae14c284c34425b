namespace Serverless.Cdc.Schema.Evolution;

/// <summary>One clause of an ALTER TABLE statement, in statement order; <see cref="Text"/> is the clause as written.</summary>
public abstract record AlterClause
{
    public string Text { get; init; } = string.Empty;
}

/// <summary><c>ADD [COLUMN] [IF NOT EXISTS] def [FIRST | AFTER c]</c> (a parenthesised list is one clause per column).</summary>
public sealed record AddColumnClause(ColumnDefinition Column, ColumnPlacement Placement, bool IfNotExists) : AlterClause;

/// <summary><c>DROP [COLUMN] [IF EXISTS] c</c>.</summary>
public sealed record DropColumnClause(string Column, bool IfExists) : AlterClause;

/// <summary><c>RENAME COLUMN a TO b</c>.</summary>
public sealed record RenameColumnClause(string From, string To) : AlterClause;

/// <summary><c>CHANGE [COLUMN] old def</c> and <c>MODIFY [COLUMN] def</c> (where <see cref="From"/> is the definition's own name).</summary>
public sealed record ChangeColumnClause(string From, ColumnDefinition Column, ColumnPlacement Placement, bool IfExists) : AlterClause;

/// <summary><c>ADD [CONSTRAINT [name]] PRIMARY KEY (cols)</c>: the table's key becomes these columns.</summary>
public sealed record AddPrimaryKeyClause(IReadOnlyList<string> Columns) : AlterClause;

/// <summary><c>DROP PRIMARY KEY</c>.</summary>
public sealed record DropPrimaryKeyClause : AlterClause;

/// <summary><c>RENAME [TO | AS] name</c> inside ALTER TABLE.</summary>
public sealed record RenameTableClause(DdlTableName To) : AlterClause;

/// <summary>
/// A clause that changes nothing the lake holds: defaults (<c>ALTER COLUMN c SET DEFAULT</c>), secondary indexes, foreign keys,
/// checks, table options (ENGINE, COMMENT, AUTO_INCREMENT, character set), partitioning.
/// </summary>
public sealed record NoLakeChangeClause : AlterClause;
