using Serverless.Parquet;
using Serverless.Testing;
using Xunit;

namespace Serverless.Parquet.IntegrationTests;

/// <summary>
/// Garbled page bytes in files DuckDB compresses with the codecs whose decoders are not ours alone (ZSTD through
/// ZstdSharp, BROTLI through System.IO.Compression, LZ4_RAW): a read succeeds (the damage hit values, and no codec
/// here carries a checksum) or fails with a <see cref="ParquetFormatException"/>, never with anything else.
/// </summary>
public sealed class CorruptCompressedPageTests
{
    private const int Iterations = 300;

    [Theory]
    [InlineData("zstd")]
    [InlineData("lz4")]
    [InlineData("brotli")]
    public async Task GarbledPagesFailWithAFormatErrorOrReadWithinBoundedMemory(string codec)
    {
        using var dir = new TempDirectory("parquet-garble");
        var path = dir.File("sample.parquet");
        await DuckDb.QueryAsync(
            $"COPY (SELECT i::BIGINT AS id, md5(i::VARCHAR) AS h, CASE WHEN i % 7 = 0 THEN NULL ELSE 'v' || (i % 31) END AS r, i / 3.0 AS d " +
            $"FROM range(0, 3000) t(i)) TO {DuckDb.Literal(path)} (FORMAT parquet, COMPRESSION {codec}, ROW_GROUP_SIZE 1000)");
        var original = await File.ReadAllBytesAsync(path);
        var footerStart = original.Length - 8 - BitConverter.ToInt32(original, original.Length - 8);
        var random = new Random(20261206 + codec.Length);
        var failures = new List<string>();
        var formatErrors = 0;
        for (var i = 0; i < Iterations && failures.Count < 5; i++)
        {
            // Only the column chunks (between the leading magic and the footer): the footer's checks are tested elsewhere.
            var corrupt = (byte[])original.Clone();
            var at = random.Next(4, footerStart - 1);
            var run = random.Next(1, Math.Min(64, footerStart - at));
            random.NextBytes(corrupt.AsSpan(at, run));
            var before = GC.GetAllocatedBytesForCurrentThread();
            var outcome = TryReadAll(corrupt);
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (outcome is ParquetFormatException)
            {
                formatErrors++;
            }
            else if (outcome is not null)
            {
                failures.Add($"{run} bytes at {at}: {outcome.GetType().Name}: {outcome.Message}");
            }

            if (allocated > (64L * original.Length) + (64L << 20))
            {
                failures.Add($"{run} bytes at {at}: allocated {allocated:N0} bytes reading a {original.Length:N0}-byte file");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.True(formatErrors > Iterations / 10, $"only {formatErrors} of {Iterations} garbled files failed; the damage is not reaching the decoders");
    }

    private static Exception? TryReadAll(byte[] file)
    {
        try
        {
            using var reader = ParquetReader.Open(new MemoryParquetSource(file));
            for (var g = 0; g < reader.RowGroups.Count; g++)
            {
                _ = reader.ReadRowGroup(g);
            }

            return null;
        }
#pragma warning disable CA1031 // the test classifies every exception the reader lets out
        catch (Exception e)
#pragma warning restore CA1031
        {
            return e;
        }
    }
}
