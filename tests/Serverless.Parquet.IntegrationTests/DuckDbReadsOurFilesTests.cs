using Serverless.Parquet;
using Serverless.Parquet.Tests;
using Serverless.Testing;
using Xunit;

namespace Serverless.Parquet.IntegrationTests;

public sealed class DuckDbReadsOurFilesTests
{
    private static readonly Dictionary<string, string> ExpectedTypes = new()
    {
        ["b"] = "BOOLEAN",
        ["i8"] = "TINYINT",
        ["i16"] = "SMALLINT",
        ["i32"] = "INTEGER",
        ["i64"] = "BIGINT",
        ["f"] = "FLOAT",
        ["d"] = "DOUBLE",
        ["s"] = "VARCHAR",
        ["j"] = "JSON",
        ["bin"] = "BLOB",
        ["date"] = "DATE",
        ["ts"] = "TIMESTAMP WITH TIME ZONE",
        ["ts_ntz"] = "TIMESTAMP",
        ["t"] = "TIME",
        ["dec9"] = "DECIMAL(9,2)",
        ["dec18"] = "DECIMAL(18,4)",
        ["dec38"] = "DECIMAL(38,10)",
    };

    [Theory]
    [InlineData(ParquetCompression.Snappy, false, true)]
    [InlineData(ParquetCompression.Snappy, true, false)]
    [InlineData(ParquetCompression.Gzip, false, false)]
    [InlineData(ParquetCompression.Gzip, true, true)]
    [InlineData(ParquetCompression.Uncompressed, false, true)]
    [InlineData(ParquetCompression.Uncompressed, true, false)]
    public async Task DuckDbReadsEveryTypeWithTheSameValuesAndTypes(ParquetCompression compression, bool required, bool dictionary)
    {
        using var dir = new TempDirectory("parquet-duck");
        var path = dir.File("all.parquet");
        var schema = SampleTables.AllTypes(required);
        var options = new ParquetWriterOptions { Compression = compression, EnableDictionary = dictionary, MaxRowsPerPage = 300, RowGroupTargetBytes = 40_000 };
        var rows = Enumerable.Range(0, 3000).Select(i => !required && i % 7 == 6 ? new object?[schema.Count] : SampleTables.Row(i)).ToList();
        ParquetFileMetadata meta;
        await using (var file = File.Create(path))
        await using (var writer = new ParquetWriter(new NonSeekableStream(file), schema, options))
        {
            foreach (var r in rows)
            {
                writer.WriteRow(r);
            }

            meta = await writer.CompleteAsync();
        }

        Assert.True(meta.RowGroups.Count > 1);
        var columns = await DuckDbComparison.DescribeAsync(path);
        foreach (var c in columns)
        {
            var expected = ExpectedTypes[c.Name];
            Assert.True(c.Type == expected || (expected == "JSON" && c.Type == "VARCHAR"), $"column {c.Name}: DuckDB type {c.Type}, expected {expected}");
        }

        await DuckDbComparison.AssertSameAsDuckDbAsync(path);

        // And DuckDB's values equal the values we wrote (not only what we read back).
        using var reader = ParquetReader.Open(path);
        var read = reader.ReadRows().ToList();
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(rows[i], read[i]);
        }
    }

    [Fact]
    public async Task DuckDbSeesFieldIdsAndKeyValueMetadata()
    {
        using var dir = new TempDirectory("parquet-duck");
        var path = dir.File("ids.parquet");
        var schema = new ParquetSchema(ParquetColumn.Int64("id", true, fieldId: 7), ParquetColumn.String("name", fieldId: 9));
        var options = new ParquetWriterOptions { KeyValueMetadata = new Dictionary<string, string?> { ["origin"] = "serverless-test" } };
        using (var writer = new ParquetWriter(File.Create(path), schema, options))
        {
            writer.WriteRow(1L, "a");
        }

        var ids = await DuckDb.QueryAsync($"SELECT name, field_id FROM parquet_schema({DuckDb.Literal(path)}) WHERE field_id IS NOT NULL ORDER BY field_id");
        Assert.Equal(["id", "name"], ids.Rows.Select(r => r[0].GetString()));
        Assert.Equal([7L, 9L], ids.Rows.Select(r => long.Parse(DuckDbComparison.FromDuck(r[1])!, System.Globalization.CultureInfo.InvariantCulture)));
        var kv = await DuckDb.QueryAsync($"SELECT decode(key), decode(value) FROM parquet_kv_metadata({DuckDb.Literal(path)})");
        Assert.Contains(kv.Rows, r => r[0].GetString() == "origin" && r[1].GetString() == "serverless-test");
    }

    [Fact]
    public async Task DuckDbReadsOurStatisticsWithTheSpecOrderings()
    {
        using var dir = new TempDirectory("parquet-duck");
        var path = dir.File("stats.parquet");
        var schema = new ParquetSchema(ParquetColumn.String("s"), ParquetColumn.Double("d"), ParquetColumn.Decimal("m", 38, 2), ParquetColumn.Int32("i"));
        using (var writer = new ParquetWriter(File.Create(path), schema))
        {
            writer.WriteRow("zeta", double.NaN, ParquetDecimal.Parse("-5.00"), -3);
            writer.WriteRow("Ünïcode", 0.0, ParquetDecimal.Parse("12.50"), 7);
            writer.WriteRow("alpha", -0.0, ParquetDecimal.Parse("-100.25"), null);
            writer.WriteRow(null, 2.5, null, int.MinValue);
        }

        var stats = await DuckDb.QueryAsync($"SELECT path_in_schema, stats_min_value, stats_max_value, stats_null_count FROM parquet_metadata({DuckDb.Literal(path)}) ORDER BY column_id");
        var byColumn = stats.Rows.ToDictionary(r => r[0].GetString()!, r => r.Skip(1).Select(v => DuckDbComparison.FromDuck(v) ?? "NULL").ToList());
        Assert.Equal(new List<string> { "alpha", "Ünïcode", "1" }, byColumn["s"]);
        Assert.Equal(new List<string> { "-0.0", "2.5", "0" }, byColumn["d"]);
        Assert.Equal(new List<string> { "-100.25", "12.50", "1" }, byColumn["m"]);
        Assert.Equal(new List<string> { "-2147483648", "7", "1" }, byColumn["i"]);
    }
}
