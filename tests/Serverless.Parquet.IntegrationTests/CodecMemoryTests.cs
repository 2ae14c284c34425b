using Serverless.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Serverless.Parquet.IntegrationTests;

/// <summary>
/// Every codec decompresses into the reader's pooled page buffer (or straight into the column arrays): reading the
/// same rows from a ZSTD or LZ4_RAW file allocates about what reading them from a SNAPPY file does. (BROTLI takes the
/// same path; DuckDB takes most of a minute to write this file with it, so it is left out.)
/// </summary>
public sealed class CodecMemoryTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("zstd")]
    [InlineData("lz4")]
    public async Task ReadingAllocatesAboutWhatSnappyDoes(string codec)
    {
        using var dir = new TempDirectory("parquet-codec-memory");
        const string rows = "SELECT i::BIGINT AS id, md5(i::VARCHAR) AS h, 'v' || (i % 31) AS r, i / 3.0 AS d FROM range(0, 100000) t(i)";
        var snappy = dir.File("snappy.parquet");
        var other = dir.File($"{codec}.parquet");
        await DuckDb.QueryAsync($"COPY ({rows}) TO {DuckDb.Literal(snappy)} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 25000)");
        await DuckDb.QueryAsync($"COPY ({rows}) TO {DuckDb.Literal(other)} (FORMAT parquet, COMPRESSION {codec}, ROW_GROUP_SIZE 25000)");

        var snappyBytes = AllocatedReading(snappy);
        var otherBytes = AllocatedReading(other);
        output.WriteLine($"allocated reading 100,000 rows: snappy {snappyBytes:N0} bytes, {codec} {otherBytes:N0} bytes");

        // The decoded columns are the same; the page buffer and the codec's state must not add a page's worth per page.
        Assert.True(otherBytes <= (snappyBytes * 11 / 10) + (1 << 20), $"reading the {codec} file allocated {otherBytes:N0} bytes, the snappy file {snappyBytes:N0}");
    }

    /// <summary>Bytes allocated on this thread by a second full read (the first warms the JIT and the codec's context).</summary>
    private static long AllocatedReading(string path)
    {
        ReadAll(path);
        var before = GC.GetAllocatedBytesForCurrentThread();
        ReadAll(path);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static void ReadAll(string path)
    {
        using var reader = ParquetReader.Open(path);
        for (var g = 0; g < reader.RowGroups.Count; g++)
        {
            _ = reader.ReadRowGroup(g);
        }
    }
}
