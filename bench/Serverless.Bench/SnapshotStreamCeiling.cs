using System.Diagnostics;
using System.Globalization;

namespace Serverless.Bench;

/// <summary>
/// The ceiling for a snapshot: our client streaming the same tables with every field decoded typed
/// (<see cref="MySqlTypedResultScan"/>), nothing written. One connection reads the tables in turn; with several
/// connections, a single table is split into equal key ranges and many tables are shared out from a queue. With
/// <c>binary</c> each SELECT runs as a prepared statement (binary protocol rows), as the snapshot's chunk reads do.
/// </summary>
public static class SnapshotStreamCeiling
{
    /// <summary>Wall seconds and this process's CPU seconds (user + system) to stream every row of the scenario.</summary>
    public static async Task<(double Seconds, double CpuSeconds)> ReadAsync(SnapshotScenario scenario, int connections, bool binary = false)
    {
        using var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        var work = new Queue<string>(Queries(scenario, connections));
        long rows = 0;
        var sw = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, connections).Select(async _ =>
        {
            while (true)
            {
                string sql;
                lock (work)
                {
                    if (!work.TryDequeue(out sql!))
                    {
                        return;
                    }
                }

                var totals = await MySqlTypedResultScan.ReadAllAsync(sql, binary);
                Interlocked.Add(ref rows, totals.Rows);
            }
        }).ToArray();
        await Task.WhenAll(workers);
        var seconds = sw.Elapsed.TotalSeconds;
        self.Refresh();
        var cpu = (self.TotalProcessorTime - cpuBefore).TotalSeconds;
        if (rows != scenario.Rows)
        {
            throw new InvalidOperationException($"Streaming {scenario.Name} read {rows:N0} rows; the source has {scenario.Rows:N0}.");
        }

        return (seconds, cpu);
    }

    private static IEnumerable<string> Queries(SnapshotScenario scenario, int connections)
    {
        if (scenario.Tables.Count > 1 || connections == 1)
        {
            return scenario.QualifiedTables.Select(t => $"SELECT * FROM {t}");
        }

        // Keys are 1..Rows: equal ranges over the primary key.
        var table = scenario.QualifiedTables.Single();
        var step = (scenario.Rows + connections - 1) / connections;
        return Enumerable.Range(0, connections).Select(i => string.Create(CultureInfo.InvariantCulture,
            $"SELECT * FROM {table} WHERE id > {i * step} AND id <= {(i + 1) * step}"));
    }
}
