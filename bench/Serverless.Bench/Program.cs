namespace Serverless.Bench;

/// <summary>Benchmark entry: `./run bench [NAME]` runs one benchmark or all of them.</summary>
public static class Program
{
    private static readonly Dictionary<string, Func<string[], Task<int>>> Benchmarks = new(StringComparer.OrdinalIgnoreCase)
    {
        ["parquet"] = ParquetBenchmark.RunAsync,
        ["mysql"] = MySqlBenchmark.RunAsync,
        ["delta"] = DeltaBenchmark.RunAsync,
        ["snapshot"] = SnapshotBenchmark.RunAsync,
        ["transport"] = TransportBenchmark.RunAsync,
        ["durable"] = DurableBackendBench.RunAsync,
        ["compact"] = CompactionBenchmark.RunAsync,
        ["backfill"] = BackfillBenchmark.RunAsync,
        ["cdc"] = CdcBenchmark.RunAsync,
    };

    public static async Task<int> Main(string[] args)
    {
        var names = args.Length > 0 ? args.Take(1).ToArray() : Benchmarks.Keys.ToArray();
        foreach (var name in names)
        {
            if (!Benchmarks.TryGetValue(name, out var run))
            {
                await Console.Error.WriteLineAsync($"error: no benchmark named '{name}'; known: {string.Join(", ", Benchmarks.Keys)}");
                return 2;
            }

            var rc = await run(args.Skip(1).ToArray());
            if (rc != 0)
            {
                return rc;
            }
        }

        return 0;
    }
}
