using System.Globalization;
using System.Text.Json;
using Serverless.Delta.Actions;
using Serverless.Delta.Checkpoints;
using Serverless.Testing;

namespace Serverless.Delta.Tests;

/// <summary>Checkpoints written by DuckDB's Parquet writer with each compression, page version and several row groups.</summary>
public sealed class ForeignCheckpointEncodingTests
{
    private const int Files = 5000;

    private static async Task<string> WriteWithDuckDbAsync(TempDirectory dir, string options)
    {
        var path = Path.Combine(dir.Path, "00000000000000000009.checkpoint.parquet");
        var sql = """
            COPY (
              SELECT protocol, metaData, "add" FROM (
                SELECT 0 AS o, {'minReaderVersion': 1, 'minWriterVersion': 2} AS protocol, NULL AS metaData, NULL AS "add"
                UNION ALL
                SELECT 1, NULL, {'id': 'tid', 'schemaString': '{"type":"struct","fields":[]}', 'partitionColumns': ['p']::VARCHAR[], 'configuration': MAP {'k': 'v'}, 'format': {'provider': 'parquet'}}, NULL
                UNION ALL
                SELECT 2 + i, NULL, NULL, {'path': 'p=' || (i % 7) || '/part-' || lpad(i::VARCHAR, 5, '0') || '.parquet',
                  'partitionValues': CASE WHEN i % 11 = 0 THEN MAP {'p': NULL::VARCHAR} ELSE MAP {'p': (i % 7)::VARCHAR} END,
                  'size': (1000 + i)::BIGINT, 'modificationTime': (1700000000000 + i)::BIGINT, 'dataChange': i % 2 = 0,
                  'stats': CASE WHEN i % 3 = 0 THEN NULL ELSE '{"numRecords":' || i || '}' END}
                FROM range(__FILES__) r(i)
              ) ORDER BY o
            ) TO __PATH__ (FORMAT parquet, __OPTIONS__)
            """
            .Replace("__FILES__", Files.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("__PATH__", DuckDb.Literal(path), StringComparison.Ordinal)
            .Replace("__OPTIONS__", options, StringComparison.Ordinal);
        await DuckDb.QueryAsync(sql);
        return path;
    }

    [Theory]
    [InlineData("COMPRESSION snappy, ROW_GROUP_SIZE 2048")]
    [InlineData("COMPRESSION gzip, ROW_GROUP_SIZE 2048")]
    [InlineData("COMPRESSION uncompressed")]
    [InlineData("COMPRESSION gzip, PARQUET_VERSION v2, ROW_GROUP_SIZE 2048")]
    [InlineData("COMPRESSION snappy, PARQUET_VERSION v2")]
    [InlineData("COMPRESSION zstd, ROW_GROUP_SIZE 2048")]
    [InlineData("COMPRESSION zstd, PARQUET_VERSION v2")]
    [InlineData("COMPRESSION lz4, PARQUET_VERSION v2, ROW_GROUP_SIZE 2048")]
    [InlineData("COMPRESSION brotli")]
    public async Task DuckDbCheckpointReadsBackWithEveryRowInPlace(string options)
    {
        using var dir = new TempDirectory();
        var path = await WriteWithDuckDbAsync(dir, options);
        var actions = ParquetCheckpointFormat.Parse(await File.ReadAllBytesAsync(path), path);

        Assert.Equal(Files + 2, actions.Count);
        Assert.Equal(new ProtocolAction(1, 2), actions[0]);
        var metadata = Assert.IsType<MetadataAction>(actions[1]);
        Assert.Equal(["p"], metadata.PartitionColumns);
        Assert.Equal("v", metadata.Configuration["k"]);
        for (var i = 0; i < Files; i++)
        {
            var add = Assert.IsType<AddFile>(actions[i + 2]);
            Assert.Equal($"p={i % 7}/part-{i:D5}.parquet", add.Path);
            Assert.Equal(i % 11 == 0 ? null : (i % 7).ToString(CultureInfo.InvariantCulture), add.PartitionValues["p"]);
            Assert.Equal(1000 + i, add.Size);
            Assert.Equal(1_700_000_000_000 + i, add.ModificationTime);
            Assert.Equal(i % 2 == 0, add.DataChange);
            Assert.Equal(i % 3 == 0 ? null : $"{{\"numRecords\":{i}}}", add.Stats);
        }
    }

    [Fact]
    public async Task DuckDbCheckpointWithSeveralRowGroupsIsReallySplit()
    {
        // Guards the test above: the row-group option must produce more than one row group for it to prove anything.
        using var dir = new TempDirectory();
        var path = await WriteWithDuckDbAsync(dir, "COMPRESSION gzip, PARQUET_VERSION v2, ROW_GROUP_SIZE 2048");
        var result = await DuckDb.QueryAsync($"SELECT count(DISTINCT row_group_id), list(DISTINCT encodings ORDER BY encodings) FROM parquet_metadata({DuckDb.Literal(path)})");
        Assert.True(int.Parse(result.Rows[0][0].ToString(), CultureInfo.InvariantCulture) > 1);
        var encodings = string.Join(",", result.Rows[0][1].EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("DELTA_BINARY_PACKED", encodings, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DuckDbZstdCheckpointIsReallyZstd()
    {
        // Guards the zstd cases above: DuckDB must write ZSTD pages for them to prove anything.
        using var dir = new TempDirectory();
        var path = await WriteWithDuckDbAsync(dir, "COMPRESSION zstd, ROW_GROUP_SIZE 2048");
        var result = await DuckDb.QueryAsync($"SELECT DISTINCT compression FROM parquet_metadata({DuckDb.Literal(path)})");
        Assert.Equal("ZSTD", Assert.Single(result.Rows)[0].GetString());
    }

    [Fact]
    public async Task CorruptZstdCheckpointFailsNamingTheFile()
    {
        using var dir = new TempDirectory();
        var path = await WriteWithDuckDbAsync(dir, "COMPRESSION zstd");
        var bytes = await File.ReadAllBytesAsync(path);

        // The first column chunk's first page body starts a few dozen bytes in; garble its zstd frame.
        bytes.AsSpan(40, 64).Fill(0x5A);
        var e = Assert.Throws<FormatException>(() => ParquetCheckpointFormat.Parse(bytes, path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CorruptPageHeaderFailsNamingTheFileAndOffset()
    {
        var bytes = ParquetCheckpointFormat.Encode([new ProtocolAction(1, 2), new TransactionAction("app", 1, null)]);

        // The first column chunk's page header starts right after the magic; 0xFF is no valid Thrift field header.
        bytes.AsSpan(4, 8).Fill(0xFF);
        var e = Assert.Throws<FormatException>(() => ParquetCheckpointFormat.Parse(bytes, "_delta_log/00000000000000000001.checkpoint.parquet"));
        Assert.Contains("00000000000000000001.checkpoint.parquet", e.Message, StringComparison.Ordinal);
        Assert.Contains("file offset", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OurCheckpointIsSnappyCompressedValidParquet()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "cp.parquet");
        await File.WriteAllBytesAsync(path, ParquetCheckpointFormat.Encode(CheckpointRoundTripTests.ThousandFileCheckpoint()));
        var result = await DuckDb.QueryAsync($"SELECT DISTINCT compression, encodings FROM parquet_metadata({DuckDb.Literal(path)})");
        Assert.All(result.Rows, r => Assert.Equal("SNAPPY", r[0].GetString()));
        Assert.Contains(result.Rows, r => r[1].ValueKind == JsonValueKind.String && r[1].GetString()!.Contains("RLE", StringComparison.Ordinal));
    }
}
