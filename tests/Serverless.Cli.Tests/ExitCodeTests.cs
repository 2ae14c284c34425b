using System.Globalization;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Cli.Tests;

/// <summary>Bad usage exits 2, failures exit 1, and each message names the thing at fault and the fix.</summary>
public sealed class ExitCodeTests
{
    [Fact]
    public async Task MissingFolderIsNotADeltaTableAndIsNotCreated()
    {
        using var dir = new TempDirectory();
        var missing = Path.Combine(dir.Path, "no-such-table");

        var result = await CliRunner.RunAsync("delta", "cat", missing);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is not a Delta table", result.Error, StringComparison.Ordinal);
        Assert.Contains(missing, result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
        Assert.Equal(string.Empty, result.Out);
    }

    [Fact]
    public async Task FolderWithoutDeltaLogIsNotADeltaTableForCatAndLog()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.File("data.parquet"), "not a table");

        var cat = await CliRunner.RunAsync("delta", "cat", dir.Path);
        var log = await CliRunner.RunAsync("delta", "log", dir.Path);

        Assert.Equal(1, cat.ExitCode);
        Assert.Equal(1, log.ExitCode);
        Assert.Contains("_delta_log", cat.Error, StringComparison.Ordinal);
        Assert.Contains("is not a Delta table", log.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VersionBeyondTheLatestNamesTheAvailableRange()
    {
        using var dir = new TempDirectory();
        await WrittenTables.WriteAllTypesTableAsync(new LocalFolderObjectStore(dir.Path));

        var result = await CliRunner.RunAsync("delta", "cat", dir.Path, "--version", "9");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("has no version 9; the readable versions are 0 to 2", result.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Out);
    }

    [Fact]
    public async Task VersionsBeforeTheOldestCheckpointAreOutsideTheRangeAfterLogCleanup()
    {
        using var dir = new TempDirectory();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.DeltaFixtures, "rs-simple_table_with_checkpoint"), "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(dir.Path, Path.GetRelativePath(Path.Combine(RepoPaths.DeltaFixtures, "rs-simple_table_with_checkpoint"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        var logFolder = Path.Combine(dir.Path, "_delta_log");
        var checkpoint = Directory.EnumerateFiles(logFolder, "*.checkpoint.parquet").Select(f => long.Parse(Path.GetFileName(f)[..20], CultureInfo.InvariantCulture)).Max();
        for (var v = 0L; v < checkpoint; v++)
        {
            File.Delete(Path.Combine(logFolder, v.ToString("D20", CultureInfo.InvariantCulture) + ".json"));
        }

        var result = await CliRunner.RunAsync("delta", "cat", dir.Path, "--version", "0");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"no version 0; the only readable version is {checkpoint}", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownReaderFeatureIsNamed()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("_delta_log"));
        await File.WriteAllTextAsync(
            Path.Combine(dir.File("_delta_log"), "00000000000000000000.json"),
            """
            {"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["futureReaderFeature"],"writerFeatures":["futureReaderFeature"]}}
            {"metaData":{"id":"7c1b0c1e-6a51-4d4c-9a35-2f4f1b7f1f00","format":{"provider":"parquet","options":{}},"schemaString":"{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]}","partitionColumns":[],"configuration":{},"createdTime":1700000000000}}

            """);

        var result = await CliRunner.RunAsync("delta", "cat", dir.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("reader feature 'futureReaderFeature'", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("delta", "cat")]
    [InlineData("delta", "cat", "TABLE", "--format", "xml")]
    [InlineData("delta", "cat", "TABLE", "--limit", "-1")]
    [InlineData("delta", "cat", "TABLE", "--version", "many")]
    [InlineData("delta", "cat", "TABLE", "--version", "-3")]
    [InlineData("delta", "cat", "TABLE", "--version", "1", "--timestamp", "2024-01-01")]
    [InlineData("delta", "cat", "TABLE", "--timestamp", "yesterday-ish")]
    [InlineData("delta", "cat", "TABLE", "--columns", "id,nope")]
    [InlineData("delta", "cat", "--bogus")]
    [InlineData("delta", "cat", "TABLE", "--bogus")]
    [InlineData("delta", "log", "TABLE", "--format", "csv")]
    [InlineData("delta")]
    [InlineData("nonsense")]
    public async Task BadUsageExitsTwoWithAHint(params string[] args)
    {
        using var dir = new TempDirectory();
        await WrittenTables.WriteAllTypesTableAsync(new LocalFolderObjectStore(dir.Path));

        var result = await CliRunner.RunAsync(args.Select(a => a == "TABLE" ? dir.Path : a).ToArray());

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
        Assert.Contains("--help' for usage", result.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Out);
    }

    [Fact]
    public async Task UnknownColumnMessageListsTheTableColumns()
    {
        using var dir = new TempDirectory();
        await WrittenTables.WriteAllTypesTableAsync(new LocalFolderObjectStore(dir.Path));

        var result = await CliRunner.RunAsync("delta", "cat", dir.Path, "--columns", "id,nope");

        Assert.Contains("'nope'", result.Error, StringComparison.Ordinal);
        Assert.Contains("id, i32, i16", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelpExitsZero()
    {
        var result = await CliRunner.RunAsync("delta", "cat", "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("--columns", result.Out, StringComparison.Ordinal);
    }
}
