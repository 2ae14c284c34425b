using Serverless.Parquet.Writing;
using Xunit;

namespace Serverless.Parquet.Tests;

/// <summary>The writer buffers one row group in reused segments, and closes it before buffered bytes pass the target.</summary>
public sealed class WriterMemoryTests
{
    private static readonly ParquetSchema Schema = new(
        ParquetColumn.Int64("id", isRequired: true),
        ParquetColumn.String("email", isRequired: true),
        ParquetColumn.Double("score"));

    [Fact]
    public void RowGroupsReuseTheSameSegments()
    {
        const long target = 2L * 1024 * 1024;
        using var output = new MemoryStream();
        var options = new ParquetWriterOptions { RowGroupTargetBytes = target, PageSizeBytes = 64 * 1024 };
        using var writer = new ParquetWriter(output, Schema, options, leaveOpen: true);
        var batch = Batch(0, 20_000);
        var allocatedAfterGroup = new List<int>();
        var groups = 0;
        long start = 0;
        while (groups < 8)
        {
            writer.WriteBatch(batch);
            start += batch.RowCount;
            var now = writer.RowGroupsWritten;
            if (now != groups)
            {
                groups = now;
                allocatedAfterGroup.Add(writer.SegmentsAllocated);
            }

            batch = Batch(start, 20_000);
        }

        // Later row groups allocate nothing new: the segments of the first row groups are handed back and reused.
        Assert.True(allocatedAfterGroup[^1] <= allocatedAfterGroup[1] + 1, $"segments after each row group: {string.Join(", ", allocatedAfterGroup)}");
        var segmentBytes = (long)writer.SegmentsAllocated * PageSegmentPool.SegmentSize;
        Assert.True(segmentBytes <= target + (2L * Schema.Count * PageSegmentPool.SegmentSize), $"{segmentBytes} bytes of segments for a {target}-byte row group");
    }

    [Fact]
    public void BufferedBytesNeverExceedTheTargetByMoreThanAPagePerColumn()
    {
        const long target = 1024 * 1024;
        const int pageSize = 32 * 1024;
        using var output = new MemoryStream();
        var options = new ParquetWriterOptions { RowGroupTargetBytes = target, PageSizeBytes = pageSize };
        using var writer = new ParquetWriter(output, Schema, options, leaveOpen: true);
        long maxBuffered = 0;
        for (var b = 0; b < 60; b++)
        {
            writer.WriteBatch(Batch(b * 5_000L, 5_000));
            maxBuffered = Math.Max(maxBuffered, writer.BufferedBytes);
        }

        var metadata = writer.Complete();
        Assert.True(metadata.RowGroups.Count > 2, $"{metadata.RowGroups.Count} row groups");
        Assert.True(maxBuffered <= target + (Schema.Count * (long)pageSize), $"buffered {maxBuffered} bytes against a {target}-byte target");
        Assert.True(metadata.RowGroups.Take(metadata.RowGroups.Count - 1).All(g => g.CompressedSize <= target + (Schema.Count * (long)pageSize)));

        // And the rows are all there, in order.
        output.Position = 0;
        using var reader = ParquetReader.Open(output, leaveOpen: true);
        Assert.Equal(300_000, reader.RowCount);
        var last = reader.ReadRowGroup(reader.RowGroups.Count - 1);
        Assert.Equal(299_999L, last[0].Int64Values[^1]);
    }

    private static ParquetRowBatch Batch(long start, int rows)
    {
        var batch = new ParquetRowBatch(Schema, rows);
        for (var i = start; i < start + rows; i++)
        {
            batch[0].Append(i);
            batch[1].Append($"user{i}@example.com");
            if (i % 10 == 0)
            {
                batch[2].AppendNull();
            }
            else
            {
                batch[2].Append(i * 0.25);
            }
        }

        return batch;
    }
}
