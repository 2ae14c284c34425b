using System.Diagnostics;
using Serverless.MySql.Client;
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

    [Fact]
    public async Task WholeTableStreamsThroughTheRowCallbackWithTypedValues()
    {
        await using var c = await ConnectionTestServer.OpenOwnDatabaseAsync("mysql_it_query_stream");
        const int rowCount = 200_000;
        if (await c.QueryScalarAsync("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'mysql_it_query_stream' AND TABLE_NAME = 'orders'") == "0" ||
            await c.QueryScalarAsync("SELECT COUNT(*) FROM orders") != rowCount.ToString())
        {
            await c.ExecuteAsync("""
                CREATE OR REPLACE TABLE orders (
                  id BIGINT PRIMARY KEY, customer INT NOT NULL, note VARCHAR(64), amount DECIMAL(12,2), created DATETIME(6))
                """);
            await c.ExecuteAsync($"""
                INSERT INTO orders
                SELECT seq, seq % 1000, CONCAT('order ', seq), seq / 100, TIMESTAMP('2024-01-01') + INTERVAL seq SECOND
                FROM seq_1_to_{rowCount}
                """);
        }

        long idSum = 0;
        long cents = 0;
        var lastCreated = default(MySqlDateTime);
        var summary = await c.StreamTableAsync("mysql_it_query_stream", "orders", row =>
        {
            idSum += row.GetInt64(0);
            row.TryGetUnscaledDecimal(3, out var unscaled, out _);
            cents += (long)unscaled;
            lastCreated = row.GetMySqlDateTime(4);
        });
        output.WriteLine($"{summary.Rows} rows, {summary.BytesReceived} bytes in {summary.Elapsed.TotalMilliseconds:0} ms: {summary.RowsPerSecond:0} rows/s, {summary.MegabytesPerSecond:0.0} MB/s");
        Assert.Equal(rowCount, summary.Rows);
        Assert.Equal((long)rowCount * (rowCount + 1) / 2, idSum);
        Assert.Equal((long)rowCount * (rowCount + 1) / 2, cents);
        Assert.Equal(new MySqlDateTime(2024, 1, 3, 7, 33, 20, 0), lastCreated);
        Assert.True(summary.BytesReceived > rowCount * 20);
        Assert.Equal("1", await c.QueryScalarAsync("SELECT 1"));
    }
}
