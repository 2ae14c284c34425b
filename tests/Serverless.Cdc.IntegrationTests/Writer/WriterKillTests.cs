using System.Diagnostics;
using Serverless.Cdc.Capture;
using Serverless.Cdc.Writer;
using static Serverless.Cdc.IntegrationTests.Writer.WriterLake;

namespace Serverless.Cdc.IntegrationTests.Writer;

/// <summary>A writer process is SIGKILLed mid-stream, again and again; the restarted writer ends with the lake equal to the source.</summary>
public sealed class WriterKillTests
{
    private static readonly string[] Tables = ["hot", "warm", "cold"];

    [Fact]
    public async Task AWriterKilledMidStreamAndRestartedEndsEqualWithNoDuplicateKeys()
    {
        using var lake = new WriterLake("writer-kill");
        var tables = new List<WriterTable>();
        foreach (var name in Tables)
        {
            tables.Add(await lake.CreateTableAsync(OrdersTable(name)));
        }

        var (changes, expected) = Workload(12_000, seed: 7);
        await lake.PublishAsync(changes.Take(8_000), perBatch: 40);

        // Three writer processes, each SIGKILLed once the lake has moved on by a further stretch of the log.
        long killedAt = 0;
        for (var round = 0; round < 3; round++)
        {
            using var child = ProcessRunner.StartTestHost(typeof(Transport.TransportHostProgram).Assembly, ["write", lake.LogDirectory, lake.LakeDirectory, .. Tables]);
            try
            {
                var target = killedAt + 1_500;
                await WaitUntilAsync(() => lake.Hold("writer", 0) >= target, child, lake, $"the writer to commit past sequence {target}");
                if (round == 1)
                {
                    // The rest arrives while the second writer runs.
                    await lake.PublishAsync(changes.Skip(8_000), perBatch: 40);
                }
            }
            finally
            {
                child.Kill(entireProcessTree: true); // SIGKILL: no flush, no dispose, likely mid-commit
                await child.WaitForExitAsync();
            }

            killedAt = lake.Hold("writer", 0) ?? 0;
        }

        Assert.True(killedAt < changes.Count, $"The last writer finished the log (hold {killedAt}) before it was killed; the kills must land mid-stream.");

        using var last = new PartitionWriter(lake.Log, 0, await ReopenAsync(lake, tables), options: WriterHostProgram.Options);
        await last.DrainAsync();

        foreach (var name in Tables)
        {
            var rows = await lake.RowsAsync(name);
            var ids = rows.Select(r => r[..r.IndexOf('|', StringComparison.Ordinal)]).ToList();
            Assert.Equal(ids.Count, ids.Distinct().Count());
            Assert.Equal(expected[name].Values.Order(StringComparer.Ordinal), rows);
        }

        Assert.Equal(changes.Count, lake.Hold("writer", 0));
    }

    /// <summary>Hot keys, updates, deletes and re-inserts over three tables; the expected rows are the last version of each key.</summary>
    private static (List<ChangeEvent> Changes, Dictionary<string, Dictionary<int, string>> Expected) Workload(int count, int seed)
    {
        var random = new Random(seed);
        var expected = Tables.ToDictionary(t => t, _ => new Dictionary<int, string>());
        var changes = new List<ChangeEvent>(count);
        for (var i = 0; i < count; i++)
        {
            var table = Tables[random.Next(10) switch { < 6 => 0, < 9 => 1, _ => 2 }];
            var keys = table == "hot" ? 50 : 400;
            var id = random.Next(keys);
            var rows = expected[table];
            var offset = 1_000 + i;
            if (rows.ContainsKey(id) && random.Next(4) == 0)
            {
                changes.Add(Change(ChangeKind.Delete, table, offset, id, null, null));
                rows.Remove(id);
                continue;
            }

            var name = "v" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var amount = random.Next(100_000) / 100m;
            changes.Add(Change(rows.ContainsKey(id) ? ChangeKind.Update : ChangeKind.Insert, table, offset, id, name, amount));
            rows[id] = Row(id, name, amount);
        }

        return (changes, expected);
    }

    private static async Task<List<WriterTable>> ReopenAsync(WriterLake lake, List<WriterTable> tables)
    {
        var reopened = new List<WriterTable>();
        foreach (var t in tables)
        {
            reopened.Add(t with { Lake = await lake.OpenAsync(t.Mapping.Table.Name) });
        }

        return reopened;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, Process child, WriterLake lake, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            var error = Path.Combine(lake.LakeDirectory, "writer-error.txt");
            Assert.False(File.Exists(error), File.Exists(error) ? await File.ReadAllTextAsync(error) : string.Empty);
            Assert.False(child.HasExited, $"The writer process exited with {(child.HasExited ? child.ExitCode : 0)} while waiting for {what}.");
            Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(2), $"Timed out waiting for {what}.");
            await Task.Delay(10);
        }
    }
}
