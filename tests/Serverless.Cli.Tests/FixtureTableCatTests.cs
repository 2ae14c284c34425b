using System.Globalization;
using System.Text.Json;
using Serverless.Parquet;
using Serverless.Testing;

namespace Serverless.Cli.Tests;

/// <summary>`delta cat` on tables written by Spark and delta-rs prints exactly the rows their producers expect.</summary>
public sealed class FixtureTableCatTests
{
    [Theory]
    [MemberData(nameof(DeltaFixtureCases.DatTableVersions), MemberType = typeof(DeltaFixtureCases))]
    public async Task DatTableCsvHoldsTheExpectedRowsAtEachVersion(string table, string expected)
    {
        var (names, rows) = ReadExpected(table, expected);
        var result = await CliRunner.RunAsync([.. CatArgs(table, expected), "--columns", string.Join(',', names)]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        var lines = result.Lines("\r\n");
        Assert.Equal(string.Join(',', names), lines[0]);
        var want = rows.Select(r => string.Join(',', r.Select(OracleCsvField))).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(want, lines.Skip(1).Order(StringComparer.Ordinal).ToList());
    }

    [Theory]
    [MemberData(nameof(DeltaFixtureCases.DatTableVersions), MemberType = typeof(DeltaFixtureCases))]
    public async Task DatTableJsonLinesHoldTheExpectedRowsAtEachVersion(string table, string expected)
    {
        var (names, rows) = ReadExpected(table, expected);
        var result = await CliRunner.RunAsync([.. CatArgs(table, expected), "--format", "json"]);

        Assert.Equal(0, result.ExitCode);
        var got = result.Lines().Select(line =>
        {
            using var doc = JsonDocument.Parse(line);
            return string.Join('|', names.Select(n => JsonCanonical(doc.RootElement.GetProperty(n))));
        }).Order(StringComparer.Ordinal).ToList();
        var want = rows.Select(r => string.Join('|', r.Select(OracleJsonCanonical))).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(want, got);
    }

    [Fact]
    public async Task DeletionVectorOfTheDeltaRsTableHidesValuesZeroAndNine()
    {
        var path = Path.Combine(RepoPaths.DeltaFixtures, "rs-table-with-dv-small");
        var latest = await CliRunner.RunAsync("delta", "cat", path);
        var before = await CliRunner.RunAsync("delta", "cat", path, "--version", "0");

        Assert.Equal(0, latest.ExitCode);
        Assert.Equal(["value", .. Enumerable.Range(1, 8).Select(i => i.ToString(CultureInfo.InvariantCulture))], latest.Lines("\r\n"));
        Assert.Equal(["value", .. Enumerable.Range(0, 10).Select(i => i.ToString(CultureInfo.InvariantCulture))], before.Lines("\r\n"));
    }

    [Fact]
    public async Task EdgeTimestampsPrintAsIsoWithMicrosecondsAndZ()
    {
        var result = await CliRunner.RunAsync("delta", "cat", Path.Combine(RepoPaths.DeltaFixtures, "rs-table_with_edge_timestamps"), "--format", "json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            [
                """{"BIG_DATE":"9999-12-30T00:00:00.000000Z","NORMAL_DATE":"2022-02-01T00:00:00.000000Z","SOME_VALUE":2}""",
                """{"BIG_DATE":"9999-12-31T00:00:00.000000Z","NORMAL_DATE":"2022-01-01T00:00:00.000000Z","SOME_VALUE":1}""",
            ],
            result.Lines().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task LimitStopsAfterThatManyRowsAndZeroPrintsOnlyTheHeader()
    {
        var path = Path.Combine(RepoPaths.DeltaFixtures, "rs-table-without-dv-small");
        var three = await CliRunner.RunAsync("delta", "cat", path, "--limit", "3");
        var none = await CliRunner.RunAsync("delta", "cat", path, "--limit", "0");

        Assert.Equal(4, three.Lines("\r\n").Count);
        Assert.Equal(["value"], none.Lines("\r\n"));
    }

    private static string[] CatArgs(string table, string expected) => expected == "latest"
        ? ["delta", "cat", Path.Combine(RepoPaths.DeltaFixtures, table, "delta")]
        : ["delta", "cat", Path.Combine(RepoPaths.DeltaFixtures, table, "delta"), "--version", expected[1..]];

    private static (string[] Names, List<object?[]> Rows) ReadExpected(string table, string expected)
    {
        using var reader = ParquetReader.Open(Path.Combine(RepoPaths.DeltaFixtures, table, "expected", expected, "table_content.parquet"));
        return (reader.Schema.Columns.Select(c => c.Name).ToArray(), reader.ReadRows().ToList());
    }

    /// <summary>The CSV field a value must print as, built independently of the CLI's formatter (these tables hold strings, integers, doubles, dates and binary).</summary>
    private static string OracleCsvField(object? value) => value switch
    {
        null => string.Empty,
        string s when s.Length == 0 => "\"\"",
        string s when s.IndexOfAny([',', '"', '\r', '\n']) >= 0 => "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"",
        string s => s,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        byte[] b => Convert.ToBase64String(b),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => throw new InvalidOperationException($"The oracle has no rule for {value.GetType().Name}."),
    };

    private static string OracleJsonCanonical(object? value) => value switch
    {
        null => "null",
        string s => "s:" + s,
        double d => "n:" + d.ToString("R", CultureInfo.InvariantCulture),
        DateOnly d => "s:" + d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        byte[] b => "s:" + Convert.ToBase64String(b),
        long l => "s:" + l.ToString(CultureInfo.InvariantCulture),
        int i => "n:" + i.ToString(CultureInfo.InvariantCulture),
        _ => throw new InvalidOperationException($"The oracle has no rule for {value.GetType().Name}."),
    };

    private static string JsonCanonical(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.String => "s:" + e.GetString(),
        JsonValueKind.Number => "n:" + e.GetDouble().ToString("R", CultureInfo.InvariantCulture),
        _ => "?" + e.GetRawText(),
    };
}
