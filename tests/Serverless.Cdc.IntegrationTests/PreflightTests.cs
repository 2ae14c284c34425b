using Serverless.Cdc.Jobs;
using Serverless.Cdc.Preflight;
using Serverless.Cdc.Schema;
using Serverless.MySql.Client;
using Serverless.Testing;

namespace Serverless.Cdc.IntegrationTests;

/// <summary>
/// Preflight against the local MariaDB (ROW, FULL image, FULL metadata). Broken privileges come from a user the test
/// creates; the server's global binlog settings are not toggled because other suites stream the binlog concurrently
/// (their judgement is covered by PreflightEvaluationTests on read settings).
/// </summary>
public sealed class PreflightTests : IAsyncLifetime
{
    private const string RestrictedUser = "cdc_it_restricted";
    private SourceDatabase db = null!;

    public async Task InitializeAsync()
    {
        db = await SourceDatabase.CreateAsync("cdc_it_preflight");
        await db.Admin.ExecuteAsync("CREATE TABLE allowed (id INT PRIMARY KEY)");
        await db.Admin.ExecuteAsync("CREATE TABLE denied (id INT PRIMARY KEY)");
        await db.Admin.ExecuteAsync("CREATE TABLE keyless (a INT, b INT)");
        await db.Admin.ExecuteAsync($"DROP USER IF EXISTS '{RestrictedUser}'@'%'");
        await db.Admin.ExecuteAsync($"CREATE USER '{RestrictedUser}'@'%' IDENTIFIED BY 'restricted'");
        await db.Admin.ExecuteAsync($"GRANT SELECT ON `{db.Name}`.`allowed` TO '{RestrictedUser}'@'%'");
        await db.Admin.ExecuteAsync($"GRANT SELECT ON `{db.Name}`.`keyless` TO '{RestrictedUser}'@'%'");

        // Visible in information_schema, but not readable.
        await db.Admin.ExecuteAsync($"GRANT INSERT ON `{db.Name}`.`denied` TO '{RestrictedUser}'@'%'");
    }

    public async Task DisposeAsync()
    {
        try
        {
            await db.Admin.ExecuteAsync($"DROP USER IF EXISTS '{RestrictedUser}'@'%'");
        }
        finally
        {
            await db.DisposeAsync();
        }
    }

    private JobSpec Job(string include, string? keyOverrideTable = null) => JobSpecLoader.Parse(
        $$"""
        {"name":"it","source":{"host":"127.0.0.1","user":"x"},"tables":{"include":["{{include}}"]},"target":{"root":"./lake"}
        {{(keyOverrideTable is null ? "" : $$""","keys":{"{{keyOverrideTable}}":["a","b"]}""")}}}
        """);

    private static async Task<PreflightReport> RunAsync(string user, string password, JobSpec job)
    {
        var options = SourceDatabase.AdminOptions() with { User = user, Password = password };
        await using var connection = await MySqlConnection.OpenAsync(options);
        var tables = await SchemaDiscovery.DiscoverAsync(connection, job.Tables, job.KeyOverrides);
        return await new PreflightChecker().CheckAsync(connection, job, tables);
    }

    [Fact]
    public async Task OurServerPassesForTheReplicationUser()
    {
        var (user, password) = LocalDependencies.MariaDbReplicationUser;

        var report = await RunAsync(user, password, Job(db.Name + ".allowed"));

        Assert.True(report.IsOk, report.ToString());
        Assert.Equal(SnapshotPositionMethod.ConsistentSnapshotStatus, report.PositionMethod);
        Assert.Equal(MySqlServerFlavor.MariaDb, report.ServerVersion.Flavor);
        Assert.NotNull(report.BinlogRetention);
    }

    [Fact]
    public async Task SettingsReadFromOurServerAreHealthy()
    {
        var settings = await ServerSettings.ReadAsync(db.Admin);

        Assert.True(settings.LogBin);
        Assert.Equal("ROW", settings.BinlogFormat);
        Assert.Equal("FULL", settings.BinlogRowImage);
        Assert.Equal("FULL", settings.BinlogRowMetadata);
        Assert.True(settings.HasBinlogSnapshotStatus);

        // The same settings with row metadata MINIMAL are refused with the fix.
        var grants = GrantSet.Parse((await db.Admin.QueryTextRowsAsync("SHOW GRANTS")).Select(r => r[0]!));
        var report = new PreflightChecker().Evaluate(settings with { BinlogRowMetadata = "MINIMAL" }, grants, Job(db.Name + ".allowed"), [], "serverless");
        Assert.Contains(report.Problems, p => p.Check == PreflightCheck.BinlogRowMetadata && p.Fix.Contains("binlog_row_metadata = 'FULL'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UserWithoutPrivilegesGetsOneProblemPerMissingGrant()
    {
        var report = await RunAsync(RestrictedUser, "restricted", Job(db.Name + ".*", keyOverrideTable: db.Name + ".keyless"));

        Assert.False(report.IsOk);
        var missing = report.Problems.Where(p => p.Check == PreflightCheck.MissingPrivilege).ToList();
        Assert.Contains(missing, p => p.Fix.Contains("GRANT REPLICATION SLAVE", StringComparison.Ordinal));
        Assert.Contains(missing, p => p.Fix.Contains("GRANT BINLOG MONITOR", StringComparison.Ordinal));
        var select = Assert.Single(missing, p => p.Problem.Contains("SELECT", StringComparison.Ordinal));
        Assert.Contains(db.Name + ".denied", select.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain(db.Name + ".allowed", select.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain(report.Problems, p => p.Check == PreflightCheck.TableWithoutKey);
    }

    [Fact]
    public async Task TableWithoutKeyAndNoOverrideIsAProblem()
    {
        var report = await RunAsync(LocalDependencies.MariaDbAdmin.User, LocalDependencies.MariaDbAdmin.Password, Job(db.Name + ".*"));

        var p = Assert.Single(report.Problems);
        Assert.Equal(PreflightCheck.TableWithoutKey, p.Check);
        Assert.Equal(db.Name + ".keyless", p.Subject);
    }

    [Fact]
    public async Task PatternMatchingNothingIsAProblem()
    {
        var report = await RunAsync(LocalDependencies.MariaDbAdmin.User, LocalDependencies.MariaDbAdmin.Password, Job(db.Name + ".nothing_*"));

        Assert.Equal(PreflightCheck.NoTables, Assert.Single(report.Problems).Check);
    }
}
