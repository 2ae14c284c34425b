using System.Text.Json;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Cli.Tests;

/// <summary>`delta log` lists each version with its operation, file and row counts, and application transactions.</summary>
public sealed class LogCommandTests
{
    [Fact]
    public async Task JsonLogListsEveryVersionWithOperationFilesAndTxn()
    {
        using var dir = new TempDirectory();
        await WrittenTables.WriteAllTypesTableAsync(new LocalFolderObjectStore(dir.Path));

        var result = await CliRunner.RunAsync("delta", "log", dir.Path, "--format", "json");

        Assert.Equal(0, result.ExitCode);
        var versions = result.Lines().Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([0L, 1L, 2L], versions.Select(v => v.GetProperty("version").GetInt64()));
        Assert.Equal(["CREATE TABLE", "WRITE", "DELETE"], versions.Select(v => v.GetProperty("operation").GetString()));
        Assert.True(versions[0].GetProperty("changesProtocol").GetBoolean());
        Assert.Equal(1, versions[1].GetProperty("filesAdded").GetInt32());
        Assert.Equal("4", versions[1].GetProperty("operationMetrics").GetProperty("numOutputRows").GetString());
        Assert.Equal(1, versions[2].GetProperty("deletionVectorUpdates").GetInt32());
        Assert.Equal(0, versions[2].GetProperty("filesAdded").GetInt32());
        Assert.Equal("1", versions[2].GetProperty("operationMetrics").GetProperty("numDeletedRows").GetString());
        var txn = Assert.Single(versions[2].GetProperty("txn").EnumerateArray());
        Assert.Equal("cdc-0", txn.GetProperty("appId").GetString());
        Assert.Equal(7, txn.GetProperty("version").GetInt64());
        foreach (var v in versions)
        {
            var ts = DateTimeOffset.Parse(v.GetProperty("timestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(ts, DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddMinutes(1));
        }
    }

    [Fact]
    public async Task TableLogShowsOneRowPerVersionWithTxnAndMetrics()
    {
        using var dir = new TempDirectory();
        await WrittenTables.WriteAllTypesTableAsync(new LocalFolderObjectStore(dir.Path));

        var result = await CliRunner.RunAsync("delta", "log", dir.Path);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("the readable versions are 0 to 2", result.Out, StringComparison.Ordinal);
        var delete = Assert.Single(result.Lines(), l => l.Contains("DELETE", StringComparison.Ordinal));
        Assert.Matches(@"^\s+2\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z\s+DELETE\s+0\s+0\s+1\s+0\s+1\s+cdc-0=7\s*$", delete);
        Assert.Single(result.Lines(), l => l.Contains("CREATE TABLE [protocol, metadata]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeltaRsDeletionVectorCommitShowsAsOneDvUpdateDeletingTwoRows()
    {
        var result = await CliRunner.RunAsync("delta", "log", Path.Combine(RepoPaths.DeltaFixtures, "rs-table-with-dv-small"), "--format", "json");

        var versions = result.Lines().Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, versions.Count);
        Assert.Equal("DELETE", versions[1].GetProperty("operation").GetString());
        Assert.Equal(1, versions[1].GetProperty("deletionVectorUpdates").GetInt32());
        Assert.Equal("2", versions[1].GetProperty("operationMetrics").GetProperty("numDeletedRows").GetString());
        Assert.Equal("2023-03-03T02:39:54.429000Z", versions[1].GetProperty("commitInfoTimestamp").GetString());
    }

    [Fact]
    public async Task LimitShowsOnlyTheNewestVersions()
    {
        var result = await CliRunner.RunAsync("delta", "log", Path.Combine(RepoPaths.DeltaFixtures, "rs-checkpoints"), "--format", "json", "--limit", "3");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal([10L, 11L, 12L], result.Lines().Select(l => JsonDocument.Parse(l).RootElement.GetProperty("version").GetInt64()));
    }
}
