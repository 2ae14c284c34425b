using Serverless.Cdc.Schema;
using Serverless.Cdc.Schema.Evolution;
using Serverless.Delta.Schema;

namespace Serverless.Cdc.Tests.Schema;

public sealed class DdlParserTests
{
    [Fact]
    public void SeveralClausesOfOneAlterComeInStatementOrder()
    {
        var ddl = Assert.IsType<AlterTableDdl>(DdlParser.Parse(
            "ALTER TABLE `shop`.`orders` ADD COLUMN note VARCHAR(20) NOT NULL DEFAULT 'n/a' AFTER id, DROP COLUMN old, " +
            "RENAME COLUMN a TO b, CHANGE COLUMN c d BIGINT UNSIGNED FIRST, MODIFY amount DECIMAL(12,4) NULL, ALTER COLUMN e SET DEFAULT 5, " +
            "ADD INDEX ix (note), DROP FOREIGN KEY fk, ENGINE=InnoDB"));

        Assert.Equal(new DdlTableName("shop", "orders"), ddl.Table);
        Assert.Collection(
            ddl.Clauses,
            c =>
            {
                var add = Assert.IsType<AddColumnClause>(c);
                Assert.Equal(("note", "varchar", "varchar(20)", false, true), (add.Column.Name, add.Column.DataType, add.Column.ColumnType, add.Column.Nullable, add.Column.HasDefault));
                Assert.Equal(ColumnPlacement.AfterColumn("id"), add.Placement);
            },
            c => Assert.Equal(new DropColumnClause("old", false) { Text = "DROP COLUMN old" }, c),
            c => Assert.Equal(("a", "b"), (Assert.IsType<RenameColumnClause>(c).From, ((RenameColumnClause)c).To)),
            c =>
            {
                var change = Assert.IsType<ChangeColumnClause>(c);
                Assert.Equal(("c", "d", "bigint(20) unsigned", true), (change.From, change.Column.Name, change.Column.ColumnType, change.Placement.First));
            },
            c =>
            {
                var modify = Assert.IsType<ChangeColumnClause>(c);
                Assert.Equal(("amount", "amount", 12, 4, true), (modify.From, modify.Column.Name, modify.Column.NumericPrecision, modify.Column.NumericScale, modify.Column.Nullable));
                Assert.Equal(ColumnPlacement.Default, modify.Placement);
            },
            c => Assert.Equal("ALTER COLUMN e SET DEFAULT 5", Assert.IsType<NoLakeChangeClause>(c).Text),
            c => Assert.IsType<NoLakeChangeClause>(c),
            c => Assert.IsType<NoLakeChangeClause>(c),
            c => Assert.Equal("ENGINE=InnoDB", Assert.IsType<NoLakeChangeClause>(c).Text));
    }

    [Fact]
    public void AParenthesisedAddIsOneClausePerColumn()
    {
        var ddl = Assert.IsType<AlterTableDdl>(DdlParser.Parse("alter table t add (x int, y enum('a','it''s') not null, z datetime(3))"));

        var added = ddl.Clauses.Cast<AddColumnClause>().Select(a => a.Column).ToList();
        Assert.Equal(["x", "y", "z"], added.Select(c => c.Name));
        Assert.Equal(["int(11)", "enum('a','it''s')", "datetime(3)"], added.Select(c => c.ColumnType));
        Assert.False(added[1].Nullable);
        Assert.Equal(3, added[2].DatetimePrecision);
    }

    [Theory]
    [InlineData("ALTER TABLE t ADD PRIMARY KEY (a, `b`)", "a,b")]
    [InlineData("ALTER TABLE t ADD CONSTRAINT pk PRIMARY KEY USING BTREE (a)", "a")]
    public void APrimaryKeyClauseIsTheNewKey(string sql, string columns)
    {
        var ddl = Assert.IsType<AlterTableDdl>(DdlParser.Parse(sql));
        Assert.Equal(columns.Split(','), Assert.IsType<AddPrimaryKeyClause>(Assert.Single(ddl.Clauses)).Columns);
    }

    [Fact]
    public void DropPrimaryKeyAndIndexClausesAreTold()
    {
        var ddl = Assert.IsType<AlterTableDdl>(DdlParser.Parse("ALTER TABLE t DROP PRIMARY KEY, DROP INDEX ix, DROP KEY `k`, DROP CHECK c1, DROP `index`, DROP COLUMN IF EXISTS q"));

        Assert.IsType<DropPrimaryKeyClause>(ddl.Clauses[0]);
        Assert.All(ddl.Clauses.Skip(1).Take(3), c => Assert.IsType<NoLakeChangeClause>(c));
        Assert.Equal(new DropColumnClause("index", false) { Text = "DROP `index`" }, ddl.Clauses[4]);
        Assert.Equal(new DropColumnClause("q", true) { Text = "DROP COLUMN IF EXISTS q" }, ddl.Clauses[5]);
    }

    [Fact]
    public void CommentsExecutableCommentsAndQuotingAreReadAsTheServerReadsThem()
    {
        var ddl = Assert.IsType<AlterTableDdl>(DdlParser.Parse(
            "/* tool */ ALTER TABLE `we``ird` -- why\n ADD COLUMN `a b` INT /*!80023 INVISIBLE */ COMMENT 'x, y' # trailing\n, ADD c TEXT CHARACTER SET latin1"));

        Assert.Equal("we`ird", ddl.Table.Name);
        Assert.Null(ddl.Table.Database);
        var columns = ddl.Clauses.Cast<AddColumnClause>().Select(c => c.Column).ToList();
        Assert.Equal(["a b", "c"], columns.Select(c => c.Name));
        Assert.Equal("latin1", columns[1].CharacterSet);
    }

    [Fact]
    public void CreateTableGivesColumnsKeysAndCharacterSet()
    {
        var ddl = Assert.IsType<CreateTableDdl>(DdlParser.Parse("""
            CREATE TABLE IF NOT EXISTS shop.items (
              id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
              sku CHAR(8) NOT NULL,
              price DEC(8) DEFAULT -1.5,
              ratio FLOAT(30),
              flags BIT(3) DEFAULT b'101',
              ok BOOL DEFAULT TRUE,
              created TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
              total DECIMAL(10,2) AS (price * 2) STORED,
              PRIMARY KEY (id),
              UNIQUE KEY uq_sku (sku),
              UNIQUE KEY uq_prefix (sku(4)),
              KEY ix_price (price),
              CONSTRAINT fk FOREIGN KEY (sku) REFERENCES other (sku) ON DELETE CASCADE,
              CHECK (price > 0)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
            """));

        Assert.Equal(new DdlTableName("shop", "items"), ddl.Table);
        Assert.True(ddl.IfNotExists);
        Assert.Equal(["id", "sku", "price", "ratio", "flags", "ok", "created", "total"], ddl.Columns.Select(c => c.Name));
        Assert.Equal(["bigint(20) unsigned", "char(8)", "decimal(8,0)", "double", "bit(3)", "tinyint(1)", "timestamp(6)", "decimal(10,2)"], ddl.Columns.Select(c => c.ColumnType));
        Assert.Equal([false, false, true, true, true, true, false, true], ddl.Columns.Select(c => c.Nullable));
        Assert.Equal(["id"], ddl.PrimaryKey);
        Assert.Equal(["sku"], Assert.Single(ddl.UniqueKeys));
        Assert.Equal("utf8mb4", ddl.CharacterSet);
        Assert.Equal("STORED GENERATED", ddl.Columns[7].Extra);
        Assert.Equal("auto_increment", ddl.Columns[0].Extra);
    }

    [Fact]
    public void AColumnsOwnPrimaryKeyIsTheKeyAndNotNull()
    {
        var ddl = Assert.IsType<CreateTableDdl>(DdlParser.Parse("CREATE TABLE t (code VARCHAR(5) PRIMARY KEY, n INT UNIQUE)"));

        Assert.Equal(["code"], ddl.PrimaryKey);
        Assert.False(ddl.Columns[0].Nullable);
        Assert.Equal(["n"], Assert.Single(ddl.UniqueKeys));
    }

    [Theory]
    [InlineData("CREATE TABLE t2 LIKE t1", "t1")]
    [InlineData("CREATE TABLE t2 (LIKE shop.t1)", "shop.t1")]
    public void CreateLikeNamesTheTableItCopies(string sql, string like)
    {
        var ddl = Assert.IsType<CreateTableDdl>(DdlParser.Parse(sql));
        Assert.Empty(ddl.Columns);
        Assert.Equal(like, ddl.LikeTable!.ToString());
    }

    [Fact]
    public void DropRenameAndTruncateNameTheirTables()
    {
        Assert.Equal(
            [new DdlTableName(null, "a"), new DdlTableName("x", "b")],
            Assert.IsType<DropTableDdl>(DdlParser.Parse("DROP TABLE IF EXISTS `a`, x.b /* generated by server */")).Tables);
        Assert.Equal(
            [(new DdlTableName(null, "a"), new DdlTableName(null, "tmp")), (new DdlTableName(null, "b"), new DdlTableName("y", "a"))],
            Assert.IsType<RenameTableDdl>(DdlParser.Parse("RENAME TABLE a TO tmp, b TO y.a")).Renames);
        Assert.Equal(new DdlTableName(null, "t"), Assert.IsType<TruncateTableDdl>(DdlParser.Parse("truncate t")).Table);
        Assert.Equal("shop", Assert.IsType<DropDatabaseDdl>(DdlParser.Parse("DROP DATABASE IF EXISTS shop")).Database);
        var rename = Assert.IsType<RenameTableClause>(Assert.Single(Assert.IsType<AlterTableDdl>(DdlParser.Parse("ALTER TABLE a RENAME TO archive.a_old")).Clauses));
        Assert.Equal(new DdlTableName("archive", "a_old"), rename.To);
    }

    [Theory]
    [InlineData("CREATE INDEX ix ON t (a)")]
    [InlineData("DROP INDEX ix ON t")]
    [InlineData("CREATE TEMPORARY TABLE tmp (a INT)")]
    [InlineData("CREATE VIEW v AS SELECT 1")]
    [InlineData("GRANT SELECT ON *.* TO x")]
    public void StatementsThatChangeNoTableGiveNoTableChange(string sql) => Assert.IsType<NoTableChangeDdl>(DdlParser.Parse(sql));

    [Fact]
    public void AnUnreadableTableStatementIsANamedErrorQuotingIt()
    {
        var e = Assert.Throws<DdlParseException>(() => DdlParser.Parse("ALTER TABLE t RENAME COLUMN a b"));
        Assert.Contains("RENAME COLUMN a b", e.Message, StringComparison.Ordinal);
        Assert.Contains("re-snapshot", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("INTEGER UNSIGNED", "int", "int(10) unsigned")]
    [InlineData("int4 zerofill", "int", "int(10) unsigned zerofill")]
    [InlineData("SERIAL", "bigint", "bigint(20) unsigned")]
    [InlineData("NUMERIC(5,1)", "decimal", "decimal(5,1)")]
    [InlineData("DOUBLE PRECISION", "double", "double")]
    [InlineData("REAL", "double", "double")]
    [InlineData("FLOAT(10)", "float", "float")]
    [InlineData("NATIONAL VARCHAR(10)", "varchar", "varchar(10)")]
    [InlineData("CHARACTER VARYING(7)", "varchar", "varchar(7)")]
    [InlineData("LONG VARBINARY", "mediumblob", "mediumblob")]
    [InlineData("BINARY", "binary", "binary(1)")]
    [InlineData("TIME(3)", "time", "time(3)")]
    [InlineData("YEAR", "year", "year(4)")]
    [InlineData("SET('x','y')", "set", "set('x','y')")]
    [InlineData("POINT", "point", "point")]
    public void TypeSynonymsComeOutAsInformationSchemaNamesThem(string type, string dataType, string columnType)
    {
        var column = Assert.IsType<AddColumnClause>(Assert.Single(Assert.IsType<AlterTableDdl>(DdlParser.Parse($"ALTER TABLE t ADD c {type}")).Clauses)).Column;
        Assert.Equal((dataType, columnType), (column.DataType, column.ColumnType));
    }

    [Fact]
    public void ParsedColumnsMapAsTheirInformationSchemaTwins()
    {
        var parsed = Assert.IsType<CreateTableDdl>(DdlParser.Parse("CREATE TABLE t (a INT UNSIGNED, b DECIMAL(40,2), c BIT(1), d DATETIME(6) NOT NULL, e TINYINT)")).Columns;
        SourceColumn[] discovered =
        [
            new() { Name = "a", Ordinal = 1, DataType = "int", ColumnType = "int(10) unsigned", NumericPrecision = 10 },
            new() { Name = "b", Ordinal = 2, DataType = "decimal", ColumnType = "decimal(40,2)", NumericPrecision = 40, NumericScale = 2 },
            new() { Name = "c", Ordinal = 3, DataType = "bit", ColumnType = "bit(1)", NumericPrecision = 1 },
            new() { Name = "d", Ordinal = 4, DataType = "datetime", ColumnType = "datetime(6)", IsNullable = false, DatetimePrecision = 6 },
            new() { Name = "e", Ordinal = 5, DataType = "tinyint", ColumnType = "tinyint(4)", NumericPrecision = 3 },
        ];

        for (var i = 0; i < discovered.Length; i++)
        {
            var fromDdl = TypeMapper.TryMap(parsed[i].ToSourceColumn(i + 1))!;
            var fromSchema = TypeMapper.TryMap(discovered[i])!;
            Assert.Equal((fromSchema.DeltaType, fromSchema.Nullable, fromSchema.Parquet, fromSchema.Conversion), (fromDdl.DeltaType, fromDdl.Nullable, fromDdl.Parquet, fromDdl.Conversion));
        }

        Assert.Equal(PrimitiveType.Long, TypeMapper.TryMap(parsed[0].ToSourceColumn(1))!.DeltaType);
    }
}
