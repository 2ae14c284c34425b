using Serverless.Cdc.Schema;
using Serverless.Cdc.Snapshot;

namespace Serverless.Cdc.Tests;

/// <summary>How many rows a chunk is planned with: by bytes of row data for narrow rows, never fewer than chunkRows.</summary>
public sealed class RowsPerChunkTests
{
    private const long ChunkBytes = 32L * 1024 * 1024;

    [Fact]
    public void NarrowRowsGetAsManyRowsAsTheByteTargetHolds()
    {
        // bench_snapshot_narrow.history as information_schema gives it: 2,993,937 rows in 105,529,344 bytes (35 a row).
        var rows = ChunkPlanner.RowsPerChunk(Table(2_993_937, 105_529_344), 250_000, ChunkBytes);

        Assert.Equal(951_961, rows);
        Assert.Equal(4, IntegerKeyRange.Count(1, 300_000, 2_993_937, rows, isUnique: false, maxRanges: 10_000));
    }

    [Fact]
    public void WideRowsKeepChunkRows()
    {
        // bench_snapshot.big: 142 bytes a row, so 32 MiB is 236,000 rows, under the 250,000 floor.
        Assert.Equal(250_000, ChunkPlanner.RowsPerChunk(Table(4_831_488, 688_914_432), 250_000, ChunkBytes));
    }

    [Theory]
    [InlineData(0L, 105_529_344L, ChunkBytes)]
    [InlineData(2_993_937L, 0L, ChunkBytes)]
    [InlineData(2_993_937L, 105_529_344L, 0L)]
    public void WithoutSizeEstimatesOrWithByteSizingOffAChunkHoldsExactlyChunkRows(long tableRows, long dataLength, long chunkBytes)
    {
        Assert.Equal(100_000, ChunkPlanner.RowsPerChunk(Table(tableRows, dataLength), 100_000, chunkBytes));
    }

    private static SourceTable Table(long rows, long bytes) => new()
    {
        Database = "db",
        Name = "t",
        Columns = [],
        RowEstimate = rows,
        DataLength = bytes,
    };
}
