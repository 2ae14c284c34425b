using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace Serverless.MySql.IntegrationTests;

[CollectionDefinition(nameof(QueryStreamingTests), DisableParallelization = true)]
public sealed class QueryStreamingCollection;

/// <summary>Runs alone so the process-wide allocation counter sees only this test's work.</summary>
[Collection(nameof(QueryStreamingTests))]
public sealed class QueryStreamingTests(ITestOutputHelper output)
{
    [Fact]
    public async Task FiveHundredThousandRowsStreamWithFlatMemory()
    {
        await using var c = await ConnectionTestServer.OpenOwnDatabaseAsync("mysql_it_query_stream");
        const int rowCount = 500_000;
        const int payloadBytes = 100;

        // Warm up code paths so JIT and first-use allocations do not count.
        await c.ExecuteAsync("SELECT seq, REPEAT('x', 100) FROM seq_1_to_1000");

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        long rows = 0;
        long sum = 0;
        long bytes = 0;
        await using (var r = await c.QueryAsync($"SELECT seq, REPEAT('x', {payloadBytes}), seq * 2.5 FROM seq_1_to_{rowCount}"))
        {
            while (await r.ReadAsync())
            {
                rows++;
                sum += r.GetInt64(0);
                bytes += r.GetRawBytes(1).Length;
                _ = r.GetDouble(2);
            }
        }

        watch.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        var resultSize = (long)rowCount * payloadBytes;
        output.WriteLine($"{rows} rows in {watch.ElapsedMilliseconds} ms ({rows / watch.Elapsed.TotalSeconds:0} rows/s), {allocated} bytes allocated, result > {resultSize} bytes");
        Assert.Equal(rowCount, rows);
        Assert.Equal((long)rowCount * (rowCount + 1) / 2, sum);
        Assert.Equal(resultSize, bytes);
        Assert.True(allocated < resultSize / 10, $"allocated {allocated} bytes while streaming a result of more than {resultSize} bytes");
    }
}
