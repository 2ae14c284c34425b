using System.Globalization;
using Serverless.MySql.Client;
using Serverless.Testing;

namespace Serverless.Cli.Tests;

/// <summary>`serverless run` and `serverless status` against the local MariaDB and a lake in a temp folder.</summary>
public sealed class JobCommandTests
{
    [Fact]
    public async Task RunSnapshotsEveryRowAndStatusReportsTheJobComplete()
    {
        await LocalDependencies.EnsureMariaDbAsync();
        const string database = "cli_it_run";
        await using var admin = await MySqlConnection.OpenAsync(new MySqlConnectionOptions
        {
            Host = LocalDependencies.MariaDbHost,
            Port = LocalDependencies.MariaDbPort,
            User = LocalDependencies.MariaDbAdmin.User,
            Password = LocalDependencies.MariaDbAdmin.Password,
            TlsMode = TlsMode.Disabled,
        });
        await admin.ExecuteAsync($"DROP DATABASE IF EXISTS {database}");
        await admin.ExecuteAsync($"CREATE DATABASE {database} CHARACTER SET utf8mb4");
        try
        {
            await admin.ExecuteAsync($"USE {database}");
            await admin.ExecuteAsync($"CREATE TABLE {database}.items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, price DECIMAL(10,2))");
            await admin.ExecuteAsync($"INSERT INTO {database}.items SELECT seq, CONCAT('item-', seq), seq / 4 FROM seq_1_to_3500");

            using var dir = new TempDirectory("cli-run");
            var lake = Path.Combine(dir.Path, "lake");
            var state = Path.Combine(dir.Path, "state");
            var job = await JobSpecFile.WriteAsync(dir, "cli-run", $"{database}.*", lake, """{ "parallelism": 2, "chunkRows": 1000 }""");

            var run = await CliRunner.RunAsync("run", "--job", job, "--state", state);
            Assert.True(run.ExitCode == 0, run.Error + run.Out);
            Assert.Contains("Snapshot complete", run.Out, StringComparison.Ordinal);

            var table = Path.Combine(lake, $"{database}_items");
            var cat = await CliRunner.RunAsync("delta", "cat", table, "--columns", "id,name,price");
            Assert.Equal(0, cat.ExitCode);
            var rows = cat.Lines("\r\n").Skip(1).ToList();
            Assert.Equal(3500, rows.Count);
            Assert.Equal(3500, rows.Select(r => r.Split(',')[0]).Distinct().Count());
            Assert.Contains("1250,item-1250,312.50", rows);

            var status = await CliRunner.RunAsync("status", "--job", job, "--state", state);
            Assert.Equal(0, status.ExitCode);
            Assert.Contains("Completed", status.Out, StringComparison.Ordinal);
            Assert.Contains("rows 3,500  complete", status.Out, StringComparison.Ordinal);
        }
        finally
        {
            await admin.ExecuteAsync($"DROP DATABASE IF EXISTS {database}");
        }
    }

    [Fact]
    public async Task RunWithAnInvalidJobSpecNamesTheFieldAndExitsTwo()
    {
        using var dir = new TempDirectory("cli-run-bad");
        var job = dir.File("job.json");
        await File.WriteAllTextAsync(job, """{ "name": "bad", "source": { "host": "127.0.0.1", "port": 99999, "user": "x" }, "tables": { "include": ["a.*"] }, "target": { "root": "./lake" } }""");
        var run = await CliRunner.RunAsync("run", "--job", job, "--state", Path.Combine(dir.Path, "state"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("$.source.port", run.Error + run.Out, StringComparison.Ordinal);
    }
}
