using Serverless.Cdc.Schema.Evolution;

namespace Serverless.Cdc.Tests.Schema;

public sealed class ColumnDefaultParsingTests
{
    [Theory]
    [InlineData("DEFAULT 5", ColumnDefaultKind.Number, "5", 0)]
    [InlineData("DEFAULT -5", ColumnDefaultKind.Number, "-5", 0)]
    [InlineData("DEFAULT - -1.50", ColumnDefaultKind.Number, "1.50", 0)]
    [InlineData("DEFAULT .5", ColumnDefaultKind.Number, ".5", 0)]
    [InlineData("DEFAULT 1e-3", ColumnDefaultKind.Number, "1e-3", 0)]
    [InlineData("DEFAULT TRUE", ColumnDefaultKind.Number, "1", 0)]
    [InlineData("DEFAULT 'it''s'", ColumnDefaultKind.String, "it's", 0)]
    [InlineData("DEFAULT _utf8mb4'x y'", ColumnDefaultKind.String, "x y", 0)]
    [InlineData("DEFAULT DATE '2024-02-29'", ColumnDefaultKind.String, "2024-02-29", 0)]
    [InlineData("DEFAULT x'4A4b'", ColumnDefaultKind.Hex, "4A4b", 0)]
    [InlineData("DEFAULT 0x4A", ColumnDefaultKind.Hex, "4A", 0)]
    [InlineData("DEFAULT b'101'", ColumnDefaultKind.Bits, "101", 0)]
    [InlineData("DEFAULT NULL", ColumnDefaultKind.Null, "NULL", 0)]
    [InlineData("DEFAULT CURRENT_TIMESTAMP", ColumnDefaultKind.CurrentTimestamp, "CURRENT_TIMESTAMP", 0)]
    [InlineData("DEFAULT current_timestamp(3)", ColumnDefaultKind.CurrentTimestamp, "current_timestamp(3)", 3)]
    [InlineData("DEFAULT NOW()", ColumnDefaultKind.CurrentTimestamp, "NOW()", 0)]
    [InlineData("DEFAULT ('a b')", ColumnDefaultKind.String, "a b", 0)]
    [InlineData("DEFAULT (-5)", ColumnDefaultKind.Number, "-5", 0)]
    [InlineData("DEFAULT (1 + 2)", ColumnDefaultKind.Expression, "(1 + 2)", 0)]
    [InlineData("DEFAULT (UUID())", ColumnDefaultKind.Expression, "(UUID())", 0)]
    [InlineData("DEFAULT UUID()", ColumnDefaultKind.Expression, "UUID()", 0)]
    [InlineData("DEFAULT (a + 1)", ColumnDefaultKind.Expression, "(a + 1)", 0)]
    public void TheDefaultOfAnAddedColumnIsReadAsWritten(string clause, ColumnDefaultKind kind, string text, int precision)
    {
        var ddl = Assert.IsType<AlterTableDdl>(DdlParser.Parse($"ALTER TABLE t ADD COLUMN c VARCHAR(10) NOT NULL {clause} AFTER id, ADD COLUMN d INT"));

        var added = ddl.Clauses.Cast<AddColumnClause>().ToList();
        Assert.Equal(2, added.Count);
        Assert.Equal(new ColumnDefault(kind, text) { Precision = precision }, added[0].Column.Default);
        Assert.Equal(ColumnPlacement.AfterColumn("id"), added[0].Placement);
        Assert.False(added[0].Column.Nullable);
        Assert.Null(added[1].Column.Default);
    }

    [Fact]
    public void NullabilityIsWrittenOnlyWhenTheDefinitionSaysIt()
    {
        var ddl = Assert.IsType<AlterTableDdl>(DdlParser.Parse("ALTER TABLE t ADD a TIMESTAMP, ADD b TIMESTAMP NULL, ADD c INT NOT NULL, ADD d INT PRIMARY KEY"));

        Assert.Equal([false, true, true, true], ddl.Clauses.Cast<AddColumnClause>().Select(a => a.Column.NullabilityWritten));
    }

    [Fact]
    public void AnOnUpdateClauseAfterTheDefaultIsNotPartOfIt()
    {
        var ddl = Assert.IsType<AlterTableDdl>(DdlParser.Parse("ALTER TABLE t ADD ts TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP COMMENT 'x'"));

        var add = Assert.IsType<AddColumnClause>(Assert.Single(ddl.Clauses));
        Assert.Equal(ColumnDefaultKind.CurrentTimestamp, add.Column.Default!.Kind);
        Assert.Equal("CURRENT_TIMESTAMP", add.Column.Default.Text);
    }
}
