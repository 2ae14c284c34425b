using Serverless.Parquet;
using Xunit;

namespace Serverless.Parquet.Tests;

/// <summary>
/// Random corruptions of valid files (truncation, flipped bytes, overwritten runs, lengths set to extremes): a read
/// either succeeds or fails with a <see cref="ParquetFormatException"/>; it never throws anything else, never hangs,
/// and never allocates far beyond what the file could justify.
/// </summary>
public sealed class CorruptFileFuzzTests
{
    private const int Iterations = 1000;

    public static TheoryData<ParquetCompression, bool> Variants => new()
    {
        { ParquetCompression.Snappy, true },
        { ParquetCompression.Gzip, false },
        { ParquetCompression.Uncompressed, true },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void RandomCorruptionsFailCleanlyOrReadWithinBoundedMemory(ParquetCompression compression, bool dictionary)
    {
        var original = WriteSample(compression, dictionary);
        var random = new Random(20261121 + (int)compression);
        var failures = new List<string>();
        var formatErrors = 0;
        for (var i = 0; i < Iterations && failures.Count < 5; i++)
        {
            var (corrupt, what) = Corrupt(original, random);
            var outcome = TryRead(corrupt, out var allocated);
            if (outcome is ParquetFormatException)
            {
                formatErrors++;
            }
            else if (outcome is not null)
            {
                failures.Add($"{what}: {outcome.GetType().Name}: {outcome.Message}");
            }

            // A reader may hold the decoded file a few times over; anything beyond that is unbounded allocation.
            var allowed = (64L * original.Length) + (64L << 20);
            if (allocated > allowed)
            {
                failures.Add($"{what}: allocated {allocated:N0} bytes reading a {corrupt.Length:N0}-byte file (allowed {allowed:N0})");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.True(formatErrors > Iterations / 10, $"only {formatErrors} of {Iterations} corruptions were detected; the fuzzer is not reaching the checks");
    }

    [Fact]
    public void EveryTruncationNamesTheFileOffset()
    {
        var original = WriteSample(ParquetCompression.Snappy, dictionary: true);
        for (var length = 0; length < original.Length; length += Math.Max(1, original.Length / 97))
        {
            var outcome = TryRead(original.AsSpan(0, length).ToArray(), out _);
            var error = Assert.IsType<ParquetFormatException>(outcome);
            Assert.Contains("offset", error.Message, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void FooterLengthBeyondTheFileIsRefusedWithItsOffset()
    {
        var corrupt = WriteSample(ParquetCompression.Snappy, dictionary: true);
        BitConverter.TryWriteBytes(corrupt.AsSpan(corrupt.Length - 8, 4), int.MaxValue);
        var error = Assert.IsType<ParquetFormatException>(TryRead(corrupt, out var allocated));
        Assert.True(error.FileOffset >= 0, error.Message);
        Assert.True(allocated < 16L << 20, $"allocated {allocated:N0} bytes for a footer length it should have refused");
    }

    private static Exception? TryRead(byte[] file, out long allocated)
    {
        Exception? caught = null;
        long used = 0;
        var thread = new Thread(() =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                using var reader = ParquetReader.Open(new MemoryStream(file, writable: false));
                for (var g = 0; g < reader.RowGroups.Count; g++)
                {
                    var batch = reader.ReadRowGroup(g);
                    // Decoded values are only touched raw: a flipped bit inside a plain value (a date of year
                    // 90000, say) is valid Parquet, and converting it to a CLR type is the caller's business.
                    for (var c = 0; c < batch.Columns.Count; c++)
                    {
                        var column = batch[c];
                        for (var r = 0; r < batch.RowCount; r++)
                        {
                            if (!column.IsNull(r) && column.Column.PhysicalType is ParquetPhysicalType.ByteArray or ParquetPhysicalType.FixedLenByteArray)
                            {
                                _ = column.GetBytes(r).Length;
                            }
                        }
                    }
                }
            }
#pragma warning disable CA1031 // the test classifies every exception the reader lets out
            catch (Exception e)
#pragma warning restore CA1031
            {
                caught = e;
            }

            used = GC.GetAllocatedBytesForCurrentThread() - before;
        });
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(20)), "reading a corrupt file did not finish within 20 s (a hang)");
        allocated = used;
        return caught;
    }

    private static byte[] WriteSample(ParquetCompression compression, bool dictionary)
    {
        var schema = SampleTables.AllTypes(required: false);
        using var stream = new MemoryStream();
        using (var writer = new ParquetWriter(stream, schema, new ParquetWriterOptions
        {
            Compression = compression,
            EnableDictionary = dictionary,
            RowGroupTargetBytes = 8 * 1024,
            PageSizeBytes = 2 * 1024,
        }, leaveOpen: true))
        {
            for (var i = 0; i < 300; i++)
            {
                var row = SampleTables.Row(i);
                if (i % 11 == 0)
                {
                    row[i % row.Length] = null;
                }

                writer.WriteRow(row);
            }

            writer.Complete();
        }

        return stream.ToArray();
    }

    private static (byte[] File, string What) Corrupt(byte[] original, Random random)
    {
        var file = (byte[])original.Clone();
        switch (random.Next(5))
        {
            case 0:
                var length = random.Next(file.Length);
                return (file.AsSpan(0, length).ToArray(), $"truncated to {length}");
            case 1:
                var flips = random.Next(1, 8);
                for (var k = 0; k < flips; k++)
                {
                    file[random.Next(file.Length)] ^= (byte)(1 << random.Next(8));
                }

                return (file, $"{flips} bit flips");
            case 2:
                var start = random.Next(file.Length);
                var run = Math.Min(random.Next(1, 64), file.Length - start);
                random.NextBytes(file.AsSpan(start, run));
                return (file, $"{run} random bytes at {start}");
            case 3:
                // Varints and lengths set to extremes hit the allocation guards.
                var at = random.Next(Math.Max(1, file.Length - 5));
                file.AsSpan(at, 5).Fill(0xFF);
                return (file, $"0xFF x5 at {at}");
            default:
                // Corrupt only inside the footer, where lengths and offsets live.
                var footerLength = BitConverter.ToInt32(file, file.Length - 8);
                var footerStart = Math.Max(0, file.Length - 8 - footerLength);
                var pos = random.Next(footerStart, file.Length - 8);
                file[pos] = (byte)random.Next(256);
                return (file, $"footer byte {pos} set");
        }
    }
}
