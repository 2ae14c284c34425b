using Serverless.Cdc.Capture;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Schema.Evolution;
using Serverless.Parquet;

namespace Serverless.Cdc.Tests.Schema;

public sealed class ColumnBackfillTests
{
    private static readonly DateTimeOffset DdlTime = new(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);

    [Theory]
    [InlineData("INT NOT NULL DEFAULT 5", 5)]
    [InlineData("INT DEFAULT '-7'", -7)]
    [InlineData("INT NOT NULL DEFAULT 2.5", 3)]
    [InlineData("INT NOT NULL DEFAULT -2.5", -3)]
    [InlineData("INT NOT NULL", 0)]
    [InlineData("TINYINT(1) NOT NULL DEFAULT TRUE", (sbyte)1)]
    [InlineData("BIGINT NOT NULL DEFAULT 0x10", 16L)]
    [InlineData("INT UNSIGNED NOT NULL DEFAULT 4000000000", 4000000000L)]
    [InlineData("YEAR NOT NULL DEFAULT 24", (short)2024)]
    [InlineData("DOUBLE DEFAULT 1e3", 1000d)]
    [InlineData("FLOAT NOT NULL DEFAULT 0.1", 0.1f)]
    [InlineData("VARCHAR(10) NOT NULL", "")]
    [InlineData("VARCHAR(10) DEFAULT 'x y'", "x y")]
    [InlineData("CHAR(4) NOT NULL DEFAULT 'ab  '", "ab")]
    [InlineData("ENUM('Small','Large') NOT NULL", "Small")]
    [InlineData("ENUM('Small','Large') NOT NULL DEFAULT 'large'", "Large")]
    [InlineData("ENUM('Small','Large') NOT NULL DEFAULT 2", "Large")]
    [InlineData("SET('a','b','c') NOT NULL DEFAULT 'c,A'", "a,c")]
    [InlineData("SET('a','b','c') NOT NULL", "")]
    [InlineData("BIT(1) NOT NULL DEFAULT b'1'", true)]
    [InlineData("BIT(10) NOT NULL DEFAULT b'1000000001'", 513L)]
    [InlineData("TIME NOT NULL", "00:00:00")]
    [InlineData("TIME(2) NOT NULL DEFAULT '-1:02:03.5'", "-01:02:03.50")]
    [InlineData("DECIMAL(40,2) NOT NULL DEFAULT 1.005", "1.01")]
    public void TheValueIsWhatTheStreamWritesForIt(string definition, object expected)
    {
        Assert.Equal(expected, Value(definition));
    }

    [Fact]
    public void DecimalsRoundHalfAwayFromZeroAtTheColumnsScale()
    {
        Assert.Equal(new ParquetDecimal(1235, 2), Value("DECIMAL(8,2) NOT NULL DEFAULT 12.345"));
        Assert.Equal(new ParquetDecimal(-1235, 2), Value("DECIMAL(8,2) NOT NULL DEFAULT '-12.345'"));
        Assert.Equal(new ParquetDecimal(0, 3), Value("DECIMAL(8,3) NOT NULL"));
        Assert.Equal(new ParquetDecimal(15000, 2), Value("DECIMAL(8,2) DEFAULT 1.5e2"));
    }

    [Fact]
    public void BinaryColumnsGetTheBytesPaddedAsTheSnapshotReadsThem()
    {
        Assert.Equal(new byte[] { 0x61, 0x62, 0, 0 }, Value("BINARY(4) NOT NULL DEFAULT 'ab'"));
        Assert.Equal(new byte[] { 0, 0 }, Value("BINARY(2) NOT NULL"));
        Assert.Equal(new byte[] { 0x4A, 0x4B }, Value("VARBINARY(4) NOT NULL DEFAULT x'4A4B'"));
        Assert.Equal(new byte[] { 0x02, 0x01 }, Value("BIT(10) NOT NULL DEFAULT b'1000000001'", new TypeMappingOptions { MultiBit = BitMapping.Binary }));
    }

    [Fact]
    public void DatesFollowTheirLiteralAndZeroDatesFollowTypesZeroDate()
    {
        Assert.Equal(new DateOnly(2024, 2, 29), Value("DATE NOT NULL DEFAULT '2024-02-29'"));
        Assert.Equal(new DateTime(2024, 2, 29, 13, 14, 15, 500, DateTimeKind.Unspecified), Value("DATETIME(3) NOT NULL DEFAULT '2024-02-29 13:14:15.5'"));
        Assert.Null(Value("DATE NOT NULL"));
        Assert.Null(Value("DATETIME NOT NULL DEFAULT '0000-00-00 00:00:00'"));
        Assert.Equal(new DateOnly(1970, 1, 1), Value("DATE NOT NULL", new TypeMappingOptions { ZeroDateValue = new DateOnly(1970, 1, 1) }));
        Assert.Equal(new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc), Value("TIMESTAMP NOT NULL DEFAULT '0000-00-00 00:00:00'", new TypeMappingOptions { ZeroDateValue = new DateOnly(1970, 1, 1) }));
    }

    [Fact]
    public void CurrentTimestampOfATimestampColumnIsTheDdlsTime()
    {
        Assert.Equal(DdlTime.UtcDateTime, Value("TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP"));
        Assert.Equal(DdlTime.UtcDateTime, Value("TIMESTAMP NULL DEFAULT NOW()"));
    }

    [Fact]
    public void NoDefaultOrADefaultNullFillsNothing()
    {
        Assert.Null(Value("INT"));
        Assert.Null(Value("INT NULL DEFAULT NULL"));
        Assert.Null(Value("TIMESTAMP NULL"));
    }

    [Theory]
    [InlineData("CHAR(36) NOT NULL DEFAULT UUID()", "UUID()")]
    [InlineData("DOUBLE DEFAULT (RAND())", "(RAND())")]
    [InlineData("INT NOT NULL DEFAULT (id + 1)", "(id + 1)")]
    [InlineData("INT NOT NULL AUTO_INCREMENT UNIQUE", "AUTO_INCREMENT")]
    [InlineData("INT AS (id * 2) STORED", "generated column")]
    [InlineData("DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP", "time zone")]
    [InlineData("TIMESTAMP NOT NULL DEFAULT '2024-01-01 00:00:00'", "time zone")]
    [InlineData("TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)", "fractional seconds")]
    [InlineData("TIMESTAMP", "explicit_defaults_for_timestamp")]
    [InlineData("INT NOT NULL DEFAULT 'many'", "'many'")]
    [InlineData("BIGINT UNSIGNED NOT NULL DEFAULT -1", "DEFAULT -1")]
    public void AValueTheWriterCannotReproduceAsksForASnapshotNamingTheColumnAndWhy(string definition, string why)
    {
        var e = Assert.Throws<TableNeedsSnapshotException>(() => Value(definition));

        Assert.Contains("column 'c'", e.Message, StringComparison.Ordinal);
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
        Assert.Contains("Re-snapshot the table", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NullsMadeNotNullBecomeTheTypesZeroValueAsMariaDbStoresThem()
    {
        Assert.Equal(0, NotNull("INT NOT NULL DEFAULT 9"));
        Assert.Equal(string.Empty, NotNull("VARCHAR(5) NOT NULL DEFAULT 'x'"));
        Assert.Equal(string.Empty, NotNull("ENUM('Small','Large') NOT NULL"));
        Assert.Null(NotNull("DATE NOT NULL"));
        Assert.Equal(DdlTime.UtcDateTime, NotNull("TIMESTAMP NOT NULL", gtid: "0-1-42"));
        Assert.Contains("differs between servers", Assert.Throws<TableNeedsSnapshotException>(() => NotNull("TIMESTAMP NOT NULL", gtid: "3E11FA47-71CA-11E1-9E33-C80AA9429562:23")).Message, StringComparison.Ordinal);
    }

    private static object? Value(string definition, TypeMappingOptions? options = null)
    {
        var column = Parse(definition);
        return ColumnBackfill.ForAddedColumn(column, column.ToSourceColumn(3, "utf8mb4"), Ddl(), options ?? new TypeMappingOptions(), "shop.t");
    }

    private static object? NotNull(string definition, string? gtid = null)
    {
        var column = Parse(definition);
        return ColumnBackfill.ForNullsMadeNotNull(column.ToSourceColumn(3, "utf8mb4"), Ddl(gtid), new TypeMappingOptions(), "shop.t");
    }

    private static ColumnDefinition Parse(string definition) =>
        Assert.IsType<AddColumnClause>(Assert.Single(Assert.IsType<AlterTableDdl>(DdlParser.Parse("ALTER TABLE t ADD COLUMN c " + definition)).Clauses)).Column;

    private static ChangeEvent Ddl(string? gtid = null) => new()
    {
        Kind = ChangeKind.Ddl, Database = "shop", Table = "t", Position = new("binlog.000001", 400), CommitTime = DdlTime, Gtid = gtid, Sql = "ALTER TABLE t ...",
    };
}
