using Serverless.Parquet;
using Xunit;

namespace Serverless.Parquet.Tests;

public sealed class ReaderBehaviourTests
{
    private static byte[] WriteSample(int rows, ParquetWriterOptions? options = null)
    {
        var schema = new ParquetSchema(ParquetColumn.Int64("id", true, 1), ParquetColumn.String("name", fieldId: 2), ParquetColumn.Double("x", fieldId: 3));
        using var ms = new MemoryStream();
        using (var writer = new ParquetWriter(ms, schema, options ?? new ParquetWriterOptions { RowGroupTargetBytes = 4000 }, leaveOpen: true))
        {
            var batch = new ParquetRowBatch(schema);
            for (var i = 0; i < rows; i++)
            {
                batch[0].Append((long)i);
                batch[1].Append(i % 5 == 0 ? null : $"n{i % 40}");
                batch[2].Append(i * 0.5);
            }

            writer.WriteBatch(batch);
        }

        return ms.ToArray();
    }

    [Fact]
    public void ProjectionByNameAndFieldIdReturnsOnlyThoseColumns()
    {
        using var reader = ParquetReader.Open(new MemoryStream(WriteSample(100)));
        var byName = reader.ReadRowGroup(0, ParquetProjection.ByName("x", "id"));
        Assert.Equal(["x", "id"], byName.Schema.Columns.Select(c => c.Name));
        Assert.Equal(3.0, byName["x"].DoubleValues[6]);
        var byId = reader.ReadRowGroup(0, ParquetProjection.ByFieldId(2));
        Assert.Equal("n6", byId[0].GetString(6));
        Assert.True(byId[0].IsNull(5));
        Assert.Throws<KeyNotFoundException>(() => reader.ReadRowGroup(0, ParquetProjection.ByName("missing")));
    }

    [Fact]
    public void RowGroupStatisticsPruneGroupsThatCannotMatch()
    {
        using var reader = ParquetReader.Open(new MemoryStream(WriteSample(20_000)));
        Assert.True(reader.RowGroups.Count > 2);
        var selected = reader.SelectRowGroups(g => (long)g["id"]!.Min! <= 12_345 && (long)g["id"]!.Max! >= 12_345).ToList();
        var single = Assert.Single(selected);
        var batch = reader.ReadRowGroup(single, ParquetProjection.ByName("id"));
        Assert.Contains(12_345L, batch[0].Int64Values.ToArray());
        Assert.Equal(4000, reader.RowGroups.Sum(g => g["name"]!.NullCount));
    }

    [Fact]
    public void WriterReturnsFileStatisticsMergedOverRowGroups()
    {
        var schema = new ParquetSchema(ParquetColumn.Int64("id", true), ParquetColumn.String("name"));
        using var ms = new MemoryStream();
        using var writer = new ParquetWriter(ms, schema, new ParquetWriterOptions { RowGroupTargetBytes = 1000 }, leaveOpen: true);
        for (var i = 0; i < 5000; i++)
        {
            writer.WriteRow((long)(i * 7 % 5000) - 100, i % 3 == 0 ? null : $"name{i}");
        }

        var meta = writer.Complete();
        Assert.Equal(5000, meta.RowCount);
        Assert.True(meta.RowGroups.Count > 1);
        Assert.Equal(-100L, meta.ColumnStatistics[0].Min);
        Assert.Equal(4899L, meta.ColumnStatistics[0].Max);
        Assert.Equal(1667, meta.ColumnStatistics[1].NullCount);
        Assert.Equal("name1", meta.ColumnStatistics[1].Min);
        Assert.Equal("name998", meta.ColumnStatistics[1].Max);
        Assert.Equal(ms.Length, meta.FileSize);
    }

    [Fact]
    public void StatisticsFollowTheSpecOrderings()
    {
        var schema = new ParquetSchema(
            ParquetColumn.Double("d"), ParquetColumn.Float("f"), ParquetColumn.Binary("bin"), ParquetColumn.Decimal("m", 30, 0), ParquetColumn.Int32("i"));
        using var ms = new MemoryStream();
        using var writer = new ParquetWriter(ms, schema, leaveOpen: true);
        writer.WriteRow(double.NaN, float.NaN, new byte[] { 0x80 }, new ParquetDecimal(-5, 0), -1);
        writer.WriteRow(0.0, -0.0f, new byte[] { 0x7F, 0xFF }, new ParquetDecimal(3, 0), int.MinValue);
        writer.WriteRow(-0.0, 0.0f, new byte[] { 0x00 }, new ParquetDecimal(-7, 0), 5);
        var stats = writer.Complete().ColumnStatistics;

        // NaN is never a bound; zero bounds are -0.0 (min) and +0.0 (max).
        Assert.True(double.IsNegative((double)stats[0].Min!) && (double)stats[0].Min! == 0);
        Assert.True(double.IsPositive((double)stats[0].Max!) && (double)stats[0].Max! == 0);
        Assert.True(float.IsNegative((float)stats[1].Min!));
        Assert.True(float.IsPositive((float)stats[1].Max!));

        // Binary compares unsigned byte-wise; decimals compare signed; ints signed.
        Assert.Equal(new byte[] { 0x00 }, stats[2].Min);
        Assert.Equal(new byte[] { 0x80 }, stats[2].Max);
        Assert.Equal(new ParquetDecimal(-7, 0), stats[3].Min);
        Assert.Equal(new ParquetDecimal(3, 0), stats[3].Max);
        Assert.Equal(int.MinValue, stats[4].Min);
    }

    [Fact]
    public void AllNaNColumnsHaveNoMinMax()
    {
        var schema = new ParquetSchema(ParquetColumn.Double("d"));
        using var ms = new MemoryStream();
        using var writer = new ParquetWriter(ms, schema, leaveOpen: true);
        writer.WriteRow(double.NaN);
        writer.WriteRow((object?)null);
        var s = writer.Complete().ColumnStatistics[0];
        Assert.Null(s.Min);
        Assert.Null(s.Max);
        Assert.Equal(1, s.NullCount);
    }

    [Fact]
    public void BadMagicAndFooterLengthAreReportedWithOffsets()
    {
        var good = WriteSample(10);
        var badTail = (byte[])good.Clone();
        badTail[^1] = (byte)'X';
        var e1 = Assert.Throws<ParquetFormatException>(() => ParquetReader.Open(new MemoryStream(badTail)));
        Assert.Contains("bad magic", e1.Message, StringComparison.Ordinal);
        Assert.Equal(good.Length - 4, e1.FileOffset);

        var badLength = (byte[])good.Clone();
        BitConverter.GetBytes(int.MaxValue).CopyTo(badLength, good.Length - 8);
        var e2 = Assert.Throws<ParquetFormatException>(() => ParquetReader.Open(new MemoryStream(badLength)));
        Assert.Contains("footer length", e2.Message, StringComparison.Ordinal);

        var e3 = Assert.Throws<ParquetFormatException>(() => ParquetReader.Open(new MemoryStream(good[..8])));
        Assert.Contains("too short", e3.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryTruncationOrSingleByteCorruptionFailsCleanlyOrReadsSomething()
    {
        // Flipping any byte or truncating anywhere must give ParquetFormatException (or a valid read), never hang or crash.
        var good = WriteSample(300, new ParquetWriterOptions { RowGroupTargetBytes = 1000, Compression = ParquetCompression.Uncompressed });
        var random = new Random(7);
        for (var n = 0; n < 400; n++)
        {
            var bytes = (byte[])good.Clone();
            if (n % 4 == 0)
            {
                bytes = bytes[..random.Next(0, bytes.Length)];
            }
            else
            {
                bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
            }

            try
            {
                using var reader = ParquetReader.Open(new MemoryStream(bytes));
                for (var g = 0; g < reader.RowGroups.Count; g++)
                {
                    reader.ReadRowGroup(g);
                }
            }
            catch (ParquetFormatException)
            {
            }
        }
    }

    [Fact]
    public void WriterStreamsToANonSeekableStreamInOnePass()
    {
        var schema = new ParquetSchema(ParquetColumn.Int32("v", true));
        using var inner = new MemoryStream();
        using (var writer = new ParquetWriter(new ForwardOnlyStream(inner), schema, new ParquetWriterOptions { RowGroupTargetBytes = 2000 }))
        {
            for (var i = 0; i < 10_000; i++)
            {
                writer.WriteRow(i);
            }
        }

        using var reader = ParquetReader.Open(new MemoryStream(inner.ToArray()));
        Assert.True(reader.RowGroups.Count > 3);
        Assert.Equal(Enumerable.Range(0, 10_000).Cast<object?>(), reader.ReadRows().Select(r => r[0]));
    }

    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}
