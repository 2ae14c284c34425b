using Serverless.Cdc.Jobs;
using Serverless.Cdc.Preflight;
using Serverless.Cdc.Schema;
using Serverless.MySql.Client;

namespace Serverless.Cdc.Tests;

public sealed class PreflightEvaluationTests
{
    private static readonly JobSpec Job = JobSpecLoader.Parse("""{"name":"j","source":{"host":"h","user":"u"},"tables":{"include":["shop.*"]},"target":{"root":"./lake"}}""");

    private static readonly ServerSettings Healthy = new()
    {
        Version = MySqlServerVersion.Parse("10.11.6-MariaDB-log"),
        LogBin = true,
        BinlogFormat = "ROW",
        BinlogRowImage = "FULL",
        BinlogRowMetadata = "FULL",
        BinlogExpireLogsSeconds = 7 * 86400,
        HasBinlogSnapshotStatus = true,
    };

    private static readonly GrantSet FullGrants = GrantSet.Parse(["GRANT SELECT, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO `cdc`@`%` IDENTIFIED BY PASSWORD '*X'"]);

    private static SourceTable Table(string name, bool key = true, long dataLength = 1024) => new()
    {
        Database = "shop",
        Name = name,
        Columns = [new SourceColumn { Name = "id", Ordinal = 1, DataType = "int", ColumnType = "int(11)", IsNullable = false }],
        KeyColumns = key ? ["id"] : [],
        KeySource = key ? TableKeySource.PrimaryKey : TableKeySource.None,
        DataLength = dataLength,
    };

    [Fact]
    public void HealthyMariaDbPassesWithConsistentSnapshotMethod()
    {
        var report = new PreflightChecker().Evaluate(Healthy, FullGrants, Job, [Table("orders")], "cdc");

        Assert.True(report.IsOk, report.ToString());
        Assert.Equal(SnapshotPositionMethod.ConsistentSnapshotStatus, report.PositionMethod);
    }

    [Fact]
    public void EachBrokenSettingIsItsOwnProblemWithFix()
    {
        var broken = Healthy with { LogBin = false, BinlogFormat = "MIXED", BinlogRowImage = "MINIMAL", BinlogRowMetadata = "MINIMAL" };

        var report = new PreflightChecker().Evaluate(broken, FullGrants, Job, [Table("orders")], "cdc");

        Assert.Equal(
            [PreflightCheck.BinlogDisabled, PreflightCheck.BinlogFormat, PreflightCheck.BinlogRowImage, PreflightCheck.BinlogRowMetadata],
            report.Problems.Select(p => p.Check));
        Assert.Contains("binlog_row_metadata = 'FULL'", report.Problems[3].Fix, StringComparison.Ordinal);
        Assert.Contains("binlog_format = 'ROW'", report.Problems[1].Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void OldServerWithoutRowMetadataIsToldToUpgrade()
    {
        var report = new PreflightChecker().Evaluate(Healthy with { BinlogRowMetadata = null }, FullGrants, Job, [Table("orders")], "cdc");

        var p = Assert.Single(report.Problems);
        Assert.Contains("upgrade", p.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingPrivilegesAreNamedWithGrantStatements()
    {
        var grants = GrantSet.Parse(["GRANT USAGE ON *.* TO `u`@`%`", "GRANT SELECT ON `shop`.`orders` TO `u`@`%`"]);

        var report = new PreflightChecker().Evaluate(Healthy, grants, Job, [Table("orders"), Table("customers")], "u");

        var fixes = report.Problems.Where(p => p.Check == PreflightCheck.MissingPrivilege).Select(p => p.Fix).ToList();
        Assert.Equal(3, fixes.Count);
        Assert.Contains(fixes, f => f.Contains("GRANT REPLICATION SLAVE", StringComparison.Ordinal));
        Assert.Contains(fixes, f => f.Contains("GRANT BINLOG MONITOR", StringComparison.Ordinal));
        Assert.Contains(report.Problems, p => p.Problem.Contains("shop.customers", StringComparison.Ordinal) && !p.Problem.Contains("shop.orders", StringComparison.Ordinal));
    }

    [Fact]
    public void RetentionShorterThanSnapshotEstimateIsReported()
    {
        var oneHour = Healthy with { BinlogExpireLogsSeconds = 3600 };
        var big = Table("orders", dataLength: 100L * 1024 * 1024 * 1024);

        var report = new PreflightChecker(new PreflightOptions { EstimatedBytesPerSecond = 10 * 1024 * 1024 }).Evaluate(oneHour, FullGrants, Job, [big], "cdc");

        var p = Assert.Single(report.Problems);
        Assert.Equal(PreflightCheck.BinlogRetention, p.Check);
        Assert.Contains("binlog_expire_logs_seconds", p.Fix, StringComparison.Ordinal);
        Assert.True(report.EstimatedSnapshotTime > TimeSpan.FromHours(2));
    }

    [Fact]
    public void NoExpiryMeansNoRetentionProblem()
    {
        var report = new PreflightChecker().Evaluate(Healthy with { BinlogExpireLogsSeconds = 0, ExpireLogsDays = 0 }, FullGrants, Job, [Table("orders", dataLength: long.MaxValue / 4)], "cdc");

        Assert.True(report.IsOk, report.ToString());
        Assert.Null(report.BinlogRetention);
    }

    [Fact]
    public void TableWithoutKeyNeedsOverride()
    {
        var report = new PreflightChecker().Evaluate(Healthy, FullGrants, Job, [Table("log", key: false)], "cdc");

        var p = Assert.Single(report.Problems);
        Assert.Equal(PreflightCheck.TableWithoutKey, p.Check);
        Assert.Contains("\"keys\"", p.Fix, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8.0.36", "GRANT BACKUP_ADMIN ON *.* TO `u`@`%`", null, SnapshotPositionMethod.LogStatus)]
    [InlineData("8.0.16", "GRANT BACKUP_ADMIN ON *.* TO `u`@`%`", "ON", SnapshotPositionMethod.GtidExecuted)]
    [InlineData("8.0.36", "GRANT USAGE ON *.* TO `u`@`%`", "ON", SnapshotPositionMethod.GtidExecuted)]
    [InlineData("5.7.44", "GRANT USAGE ON *.* TO `u`@`%`", "OFF", SnapshotPositionMethod.None)]
    public void MySqlPositionMethodDependsOnVersionGrantsAndGtids(string version, string grant, string? gtidMode, SnapshotPositionMethod expected)
    {
        var settings = Healthy with { Version = MySqlServerVersion.Parse(version), HasBinlogSnapshotStatus = false, GtidMode = gtidMode };

        Assert.Equal(expected, PreflightChecker.ChooseMethod(settings, GrantSet.Parse([grant])));
    }

    [Fact]
    public void RefusedPositionMethodIsAProblemWithFix()
    {
        var settings = Healthy with { Version = MySqlServerVersion.Parse("5.7.44"), HasBinlogSnapshotStatus = false };

        var report = new PreflightChecker().Evaluate(settings, FullGrants, Job, [Table("orders")], "cdc");

        var p = Assert.Single(report.Problems);
        Assert.Equal(PreflightCheck.PositionMethod, p.Check);
        Assert.Contains("BACKUP_ADMIN", p.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void GtidOnlyMySqlIsRefusedUpFrontBecauseChunksCannotUseIt()
    {
        var settings = Healthy with { Version = MySqlServerVersion.Parse("8.0.36"), HasBinlogSnapshotStatus = false, GtidMode = "ON" };

        var report = new PreflightChecker().Evaluate(settings, FullGrants, Job, [Table("orders")], "cdc");

        Assert.Equal(SnapshotPositionMethod.GtidExecuted, report.PositionMethod);
        var p = Assert.Single(report.Problems);
        Assert.Equal(PreflightCheck.PositionMethod, p.Check);
        Assert.Contains("GtidExecuted", p.Problem, StringComparison.Ordinal);
        Assert.Contains("GRANT BACKUP_ADMIN ON *.* TO 'cdc'@'%'", p.Fix, StringComparison.Ordinal);
        Assert.Contains("MariaDB/Percona", p.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void GtidOnlyMySqlBefore8017IsToldToUpgradeForLogStatus()
    {
        var settings = Healthy with { Version = MySqlServerVersion.Parse("8.0.16"), HasBinlogSnapshotStatus = false, GtidMode = "ON" };

        var report = new PreflightChecker().Evaluate(settings, FullGrants, Job, [Table("orders")], "cdc");

        var p = Assert.Single(report.Problems);
        Assert.Equal(PreflightCheck.PositionMethod, p.Check);
        Assert.Contains("upgrade to MySQL 8.0.17+", p.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void MySqlWithBackupAdminPassesWithLogStatus()
    {
        var settings = Healthy with { Version = MySqlServerVersion.Parse("8.0.36"), HasBinlogSnapshotStatus = false, GtidMode = "ON" };
        var grants = GrantSet.Parse(["GRANT SELECT, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO `cdc`@`%`", "GRANT BACKUP_ADMIN ON *.* TO `cdc`@`%`"]);

        var report = new PreflightChecker().Evaluate(settings, grants, Job, [Table("orders")], "cdc");

        Assert.True(report.IsOk, report.ToString());
        Assert.Equal(SnapshotPositionMethod.LogStatus, report.PositionMethod);
    }

    [Theory]
    [InlineData(SnapshotPositionMethod.ConsistentSnapshotStatus, true)]
    [InlineData(SnapshotPositionMethod.LogStatus, true)]
    [InlineData(SnapshotPositionMethod.GtidExecuted, false)]
    [InlineData(SnapshotPositionMethod.None, false)]
    public void OnlyMethodsTheChunkReaderImplementsAreSupported(SnapshotPositionMethod method, bool supported) =>
        Assert.Equal(supported, PreflightChecker.IsSupportedBySnapshot(method));

    [Fact]
    public void GrantParserHandlesLevelsWildcardsColumnsAndRoles()
    {
        var grants = GrantSet.Parse([
            "GRANT USAGE ON *.* TO `u`@`%`",
            "GRANT SELECT, INSERT ON `shop\\_eu`.* TO `u`@`%`",
            "GRANT ALL PRIVILEGES ON `crm%`.* TO `u`@`%`",
            "GRANT SELECT (`id`, `name`) ON `hr`.`people` TO `u`@`%`",
            "GRANT SELECT ON `we``ird`.`t` TO `u`@`%`",
            "GRANT `analyst` TO `u`@`%`",
        ]);

        Assert.True(grants.CanSelect("shop_eu", "x"));
        Assert.False(grants.CanSelect("shopXeu", "x"));
        Assert.True(grants.CanSelect("crm_prod", "x"));
        Assert.False(grants.CanSelect("hr", "people"));
        Assert.True(grants.CanSelect("we`ird", "t"));
        Assert.False(grants.HasGlobal("SELECT"));
        Assert.Equal(["analyst"], grants.Roles);
    }
}
