using System.Buffers.Binary;
using Serverless.Parquet;
using Serverless.Parquet.Format;
using Serverless.Parquet.Thrift;
using Serverless.Testing;
using Xunit;

namespace Serverless.Parquet.IntegrationTests;

public sealed class WeReadForeignFilesTests
{
    private const string MixedTable =
        "SELECT i::INTEGER AS id, (i * 7919)::BIGINT AS big, (i % 5)::TINYINT AS tiny, (i % 300)::SMALLINT AS small, " +
        "CASE WHEN i % 9 = 0 THEN NULL ELSE 'v' || (i % 37)::VARCHAR END AS repeated, md5(i::VARCHAR) AS unique_text, " +
        "(i / 7.0)::DOUBLE AS dbl, (i / 3.0)::FLOAT AS flt, (i * 1.25)::DECIMAL(9,2) AS d9, (i * 123456.789)::DECIMAL(18,3) AS d18, " +
        "(i * 1234567890123.4567890123)::DECIMAL(38,10) AS d38, DATE '2000-01-01' + (i % 5000)::INTEGER AS dt, " +
        "TIMESTAMP '2020-01-01' + to_microseconds(i * 1234567) AS ts, TIMESTAMPTZ '2020-01-01 00:00:00+00' + to_microseconds(i * 7654321) AS tstz, " +
        "TIME '00:00:00' + to_microseconds(i * 1000003) AS tm, i % 3 = 0 AS flag, ('\\x00\\xFF'::BLOB || i::VARCHAR::BLOB) AS bin, " +
        "CASE WHEN i % 4 = 0 THEN NULL ELSE i END AS nullable_int " +
        "FROM range(0, 20000) t(i)";

    [Theory]
    [InlineData("")]
    [InlineData(", PARQUET_VERSION v2")]
    [InlineData(", COMPRESSION snappy")]
    [InlineData(", COMPRESSION gzip")]
    [InlineData(", COMPRESSION uncompressed")]
    [InlineData(", COMPRESSION snappy, PARQUET_VERSION v2, ROW_GROUP_SIZE 4096")]
    [InlineData(", COMPRESSION uncompressed, PARQUET_VERSION v2")]
    [InlineData(", COMPRESSION zstd")]
    [InlineData(", COMPRESSION zstd, COMPRESSION_LEVEL 19, ROW_GROUP_SIZE 4096")]
    [InlineData(", COMPRESSION zstd, PARQUET_VERSION v2")]
    [InlineData(", COMPRESSION lz4")]
    [InlineData(", COMPRESSION lz4, PARQUET_VERSION v2")]
    [InlineData(", COMPRESSION brotli")]
    [InlineData(", COMPRESSION brotli, PARQUET_VERSION v2")]
    public async Task WeReadWhatDuckDbWrites(string options)
    {
        using var dir = new TempDirectory("parquet-duck");
        var path = dir.File("duck.parquet");
        await DuckDb.QueryAsync($"COPY ({MixedTable}) TO {DuckDb.Literal(path)} (FORMAT parquet{options})");
        await DuckDbComparison.AssertSameAsDuckDbAsync(path);
    }

    [Theory]
    [InlineData("zstd", "ZSTD")]
    [InlineData("lz4", "LZ4_RAW")]
    [InlineData("brotli", "BROTLI")]
    public async Task DuckDbWritesTheCodecWeDecode(string option, string codec)
    {
        // Guards the theory above: DuckDB must really write these codecs for it to prove anything.
        using var dir = new TempDirectory("parquet-duck");
        var path = dir.File("codec.parquet");
        await DuckDb.QueryAsync($"COPY (SELECT i FROM range(0, 10) t(i)) TO {DuckDb.Literal(path)} (FORMAT parquet, COMPRESSION {option})");
        var result = await DuckDb.QueryAsync($"SELECT DISTINCT compression FROM parquet_metadata({DuckDb.Literal(path)})");
        Assert.Equal(codec, Assert.Single(result.Rows)[0].GetString());
    }

    [Theory]
    [InlineData(ParquetCompression.Lzo, "LZO")]
    [InlineData(ParquetCompression.Lz4, "LZ4")]
    public async Task UnsupportedCodecIsRefusedNamingItAndTheCodecsWeRead(ParquetCompression codec, string name)
    {
        using var dir = new TempDirectory("parquet-duck");
        var path = dir.File("codec.parquet");
        await DuckDb.QueryAsync($"COPY (SELECT i FROM range(0, 10) t(i)) TO {DuckDb.Literal(path)} (FORMAT parquet, COMPRESSION zstd)");
        await File.WriteAllBytesAsync(path, WithCodec(await File.ReadAllBytesAsync(path), codec));
        using var reader = ParquetReader.Open(path);
        var e = Assert.Throws<ParquetFormatException>(() => reader.ReadRowGroup(0));
        Assert.Contains($"column 'i' is compressed with {name},", e.Message, StringComparison.Ordinal);
        Assert.Contains("UNCOMPRESSED, SNAPPY, GZIP, ZSTD, BROTLI and LZ4_RAW", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CorruptZstdPageNamesTheColumnAndOffset()
    {
        using var dir = new TempDirectory("parquet-duck");
        var path = dir.File("zstd.parquet");
        await DuckDb.QueryAsync($"COPY (SELECT md5(i::VARCHAR) AS h FROM range(0, 5000) t(i)) TO {DuckDb.Literal(path)} (FORMAT parquet, COMPRESSION zstd)");
        var bytes = await File.ReadAllBytesAsync(path);

        // Overwrite the middle of the first page's body: the frame's blocks no longer decode.
        var chunk = Footer(bytes).Meta.RowGroups[0].Columns[0];
        var start = (int)(chunk.DictionaryPageOffset is > 0 and var d ? Math.Min(d, chunk.DataPageOffset) : chunk.DataPageOffset);
        bytes.AsSpan(start + 64, 256).Fill(0xA5);
        await File.WriteAllBytesAsync(path, bytes);
        using var corrupt = ParquetReader.Open(path);
        var e = Assert.Throws<ParquetFormatException>(() => corrupt.ReadRowGroup(0));
        Assert.Contains("column 'h'", e.Message, StringComparison.Ordinal);
        Assert.Contains("file offset", e.Message, StringComparison.Ordinal);
    }

    /// <summary>The file with every column chunk's codec rewritten in the footer (the pages stay as they were).</summary>
    private static byte[] WithCodec(byte[] file, ParquetCompression codec)
    {
        var (meta, footerStart) = Footer(file);
        foreach (var chunk in meta.RowGroups.SelectMany(g => g.Columns))
        {
            chunk.Codec = codec;
        }

        var writer = new CompactWriter();
        meta.Write(writer);
        var footer = writer.WrittenSpan;
        var result = new byte[footerStart + footer.Length + 8];
        file.AsSpan(0, footerStart).CopyTo(result);
        footer.CopyTo(result.AsSpan(footerStart));
        BinaryPrimitives.WriteInt32LittleEndian(result.AsSpan(footerStart + footer.Length), footer.Length);
        "PAR1"u8.CopyTo(result.AsSpan(result.Length - 4));
        return result;
    }

    private static (FileMetaData Meta, int Start) Footer(byte[] file)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(file.Length - 8));
        var start = file.Length - 8 - length;
        return (FileMetaData.Read(file.AsSpan(start, length), start), start);
    }

    public static TheoryData<string> FixtureTables()
    {
        var data = new TheoryData<string>();
        foreach (var d in Directory.EnumerateDirectories(RepoPaths.DeltaFixtures).Order(StringComparer.Ordinal))
        {
            if (!Directory.EnumerateFiles(d, "*.parquet", SearchOption.AllDirectories).Any())
            {
                continue;
            }

            data.Add(Path.GetFileName(d));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FixtureTables))]
    public async Task SparkAndDeltaRsFixturesDecodeToWhatDuckDbReads(string table)
    {
        var files = Directory.EnumerateFiles(Path.Combine(RepoPaths.DeltaFixtures, table), "*.parquet", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(files);
        var groups = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var path in files)
        {
            if (path.Contains("_delta_log", StringComparison.Ordinal))
            {
                // Checkpoints are nested (struct/map/list), outside this flat reader; it must say so clearly.
                var columns = await DuckDbComparison.DescribeAsync(path);
                Assert.Contains(columns, c => c.Type.StartsWith("STRUCT", StringComparison.Ordinal));
                var e = Assert.Throws<ParquetFormatException>(() => ParquetReader.Open(path));
                Assert.Contains("flat schemas only", e.Message, StringComparison.Ordinal);
                continue;
            }

            using var reader = ParquetReader.Open(path);
            var signature = string.Join("|", reader.Schema.Columns.Select(c => c.ToString()));
            if (!groups.TryGetValue(signature, out var list))
            {
                groups[signature] = list = [];
            }

            list.Add(path);
        }

        foreach (var group in groups.Values)
        {
            await DuckDbComparison.AssertSameAsDuckDbAsync(group.ToArray());
        }
    }
}
