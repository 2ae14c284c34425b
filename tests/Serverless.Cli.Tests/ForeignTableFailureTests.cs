using System.Globalization;
using Serverless.Testing;

namespace Serverless.Cli.Tests;

/// <summary>
/// Tables written by other engines: ZSTD data files (DuckDB writes them here, as Databricks and delta-rs do), a first
/// metaData without schemaString (as Delta Live Tables writes it), and data files that are truncated, corrupt or
/// compressed with a codec we do not read. Every failure is one `error:` line naming the file, and exit 1.
/// </summary>
public sealed class ForeignTableFailureTests
{
    private const string DataFile = "part-00000-zstd.parquet";
    private const int Rows = 1000;
    private const string Schema = """{"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}},{"name":"name","type":"string","nullable":true,"metadata":{}}]}""";

    /// <summary>
    /// A table whose data file DuckDB writes with ZSTD and whose log is Delta Live Tables' shape: version 0 has
    /// protocol and a metaData without schemaString, version 1 the schema and the file.
    /// </summary>
    private static async Task<TempDirectory> WriteZstdTableAsync()
    {
        var dir = new TempDirectory("cli-zstd");
        var data = dir.File(DataFile);
        await DuckDb.QueryAsync($"COPY (SELECT i::BIGINT AS id, 'name-' || i AS name FROM range(0, {Rows}) t(i)) TO {DuckDb.Literal(data)} (FORMAT parquet, COMPRESSION zstd)");
        var size = new FileInfo(data).Length.ToString(CultureInfo.InvariantCulture);
        var schema = Schema.Replace("\"", "\\\"", StringComparison.Ordinal);
        var log = Path.Combine(dir.Path, "_delta_log");
        Directory.CreateDirectory(log);
        await File.WriteAllTextAsync(Path.Combine(log, "00000000000000000000.json"), """
            {"commitInfo":{"timestamp":1700000000000,"operation":"CREATE TABLE","operationParameters":{}}}
            {"protocol":{"minReaderVersion":1,"minWriterVersion":2}}
            {"metaData":{"id":"dlt","format":{"provider":"parquet","options":{}},"partitionColumns":[],"configuration":{},"createdTime":1700000000000}}

            """);
        await File.WriteAllTextAsync(
            Path.Combine(log, "00000000000000000001.json"),
            "{\"commitInfo\":{\"timestamp\":1700000001000,\"operation\":\"WRITE\",\"operationParameters\":{}}}\n" +
            "{\"metaData\":{\"id\":\"dlt\",\"format\":{\"provider\":\"parquet\",\"options\":{}},\"schemaString\":\"" + schema + "\",\"partitionColumns\":[],\"configuration\":{},\"createdTime\":1700000000000}}\n" +
            "{\"add\":{\"path\":\"" + DataFile + "\",\"partitionValues\":{},\"size\":" + size + ",\"modificationTime\":1700000001000,\"dataChange\":true}}\n");
        return dir;
    }

    private static void AssertCleanFailure(CliResult result, params string[] mentions)
    {
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        foreach (var mention in mentions)
        {
            Assert.Contains(mention, result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ZstdTableFromDuckDbIsPrintedAtTheVersionWithItsSchema()
    {
        using var dir = await WriteZstdTableAsync();

        var result = await CliRunner.RunAsync("delta", "cat", dir.Path);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        var expected = new List<string> { "id,name" };
        expected.AddRange(Enumerable.Range(0, Rows).Select(i => $"{i},name-{i}"));
        Assert.Equal(expected, result.Lines().Select(l => l.TrimEnd('\r')));
    }

    [Fact]
    public async Task VersionBeforeTheSchemaIsRefusedNamingTheVersionWithIt()
    {
        using var dir = await WriteZstdTableAsync();

        var result = await CliRunner.RunAsync("delta", "cat", dir.Path, "--version", "0");

        AssertCleanFailure(result, "no schema at version 0", "lacks schemaString", "Version 1 is the first that has it");
        Assert.Equal(string.Empty, result.Out);
    }

    [Fact]
    public async Task LogOfATableWhoseFirstMetaDataLacksTheSchemaIsListed()
    {
        using var dir = await WriteZstdTableAsync();

        var result = await CliRunner.RunAsync("delta", "log", dir.Path, "--format", "json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(2, result.Lines().Count);
        Assert.Contains("CREATE TABLE", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ZstdCheckpointFromDuckDbIsReadInPlaceOfTheCommits()
    {
        using var dir = await WriteZstdTableAsync();
        var log = Path.Combine(dir.Path, "_delta_log");
        var size = new FileInfo(dir.File(DataFile)).Length;

        // Version 1 as a checkpoint DuckDB writes with ZSTD; the commits it replaces are gone, as after log cleanup.
        await DuckDb.QueryAsync($$"""
            COPY (
              SELECT {'minReaderVersion': 1, 'minWriterVersion': 2} AS protocol, NULL AS metaData, NULL AS "add"
              UNION ALL SELECT NULL, {'id': 'dlt', 'format': {'provider': 'parquet'}, 'partitionColumns': []::VARCHAR[],
                'schemaString': '{{Schema}}'}, NULL
              UNION ALL SELECT NULL, NULL, {'path': '{{DataFile}}', 'partitionValues': MAP {}::MAP(VARCHAR, VARCHAR), 'size': {{size}}::BIGINT, 'modificationTime': 1700000001000::BIGINT, 'dataChange': true}
            ) TO {{DuckDb.Literal(Path.Combine(log, "00000000000000000001.checkpoint.parquet"))}} (FORMAT parquet, COMPRESSION zstd)
            """);
        File.Delete(Path.Combine(log, "00000000000000000000.json"));
        File.Delete(Path.Combine(log, "00000000000000000001.json"));

        var result = await CliRunner.RunAsync("delta", "cat", dir.Path, "--limit", "2");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["id,name", "0,name-0", "1,name-1"], result.Lines().Select(l => l.TrimEnd('\r')));
    }

    [Fact]
    public async Task TruncatedDataFileExitsOneNamingTheFile()
    {
        using var dir = await WriteZstdTableAsync();
        var data = dir.File(DataFile);
        var bytes = await File.ReadAllBytesAsync(data);
        await File.WriteAllBytesAsync(data, bytes[..(bytes.Length / 2)]);

        var result = await CliRunner.RunAsync("delta", "cat", dir.Path);

        AssertCleanFailure(result, DataFile);
    }

    [Fact]
    public async Task CorruptDataFileExitsOneNamingTheFileAndTheOffset()
    {
        using var dir = await WriteZstdTableAsync();
        var data = dir.File(DataFile);
        var bytes = await File.ReadAllBytesAsync(data);

        // Garble the column chunks between the leading magic and the footer; the footer still parses.
        bytes.AsSpan(4, bytes.Length / 2).Fill(0xA5);
        await File.WriteAllBytesAsync(data, bytes);

        var result = await CliRunner.RunAsync("delta", "cat", dir.Path);

        AssertCleanFailure(result, DataFile, "file offset");
    }

    [Fact]
    public async Task UnsupportedCodecExitsOneNamingTheCodecTheFileAndWhatIsRead()
    {
        using var dir = await WriteZstdTableAsync();
        await MarkAsLzoAsync(dir.File(DataFile));

        var result = await CliRunner.RunAsync("delta", "cat", dir.Path);

        AssertCleanFailure(result, DataFile, "compressed with LZO", "UNCOMPRESSED, SNAPPY, GZIP, ZSTD, BROTLI and LZ4_RAW");
    }

    [Fact]
    public async Task TheBuiltCommandExitsOneWithoutAStackTraceOnAnUnreadableFile()
    {
        using var dir = await WriteZstdTableAsync();
        await MarkAsLzoAsync(dir.File(DataFile));

        // The real process, not RunAsync in this one: an exception that escaped Main would abort it with 134.
        var cli = typeof(Program).Assembly.Location;
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path : "dotnet";
        var result = await ProcessRunner.RunAsync(host, ["exec", cli, "delta", "cat", dir.Path]);

        AssertCleanFailure(new CliResult(result.ExitCode, result.StandardOutput, result.StandardError), DataFile, "compressed with LZO");
    }

    /// <summary>
    /// Rewrites every column chunk's codec in the footer from ZSTD to LZO, leaving the pages as they are. In the
    /// Thrift compact footer the codec is ColumnMetaData field 4: header 0x15 (i32, delta 1), then zigzag 6 = 0x0C
    /// for ZSTD; num_values (i64, delta 1: 0x16) follows. LZO is 3, zigzag 0x06.
    /// </summary>
    private static async Task MarkAsLzoAsync(string path)
    {
        var bytes = await File.ReadAllBytesAsync(path);
        var footerLength = BitConverter.ToInt32(bytes, bytes.Length - 8);
        var footer = bytes.AsSpan(bytes.Length - 8 - footerLength, footerLength);
        var patched = 0;
        for (var i = 0; i + 2 < footer.Length; i++)
        {
            if (footer[i] == 0x15 && footer[i + 1] == 0x0C && footer[i + 2] == 0x16)
            {
                footer[i + 1] = 0x06;
                patched++;
            }
        }

        Assert.Equal(2, patched);
        await File.WriteAllBytesAsync(path, bytes);
    }
}
