using System.Diagnostics;
using System.Globalization;
using Serverless.MySql.Client;

namespace Serverless.Bench;

/// <summary>
/// The freshness workload: transactions of <see cref="ChangesPerTransaction"/> row changes on a hot range of
/// <see cref="HotRows"/> keys of <c>bench_cdc.items</c>, paced to a steady rate: 10 deletes of present keys, 10 inserts
/// (re-inserting the keys the previous transaction deleted: delete and re-insert of the same key), 30 updates of present
/// keys. Per transaction it records the source commit time (client clock just before COMMIT is sent: the latest the
/// change can be said to exist, so lags are not understated) under the transaction's GTID (<c>@@last_gtid</c>).
/// </summary>
public sealed class CdcFreshnessGenerator
{
    public const int HotRows = 20_000;
    public const int ChangesPerTransaction = 50;
    private const int Deletes = 10;
    private const int Updates = 30;

    private readonly Dictionary<string, DateTime> commitTimes = new(StringComparer.Ordinal);

    /// <summary>Source commit time (UTC) by GTID.</summary>
    public IReadOnlyDictionary<string, DateTime> CommitTimes => commitTimes;

    /// <summary>Row changes the source made (rows affected).</summary>
    public long Changes { get; private set; }

    public int Transactions { get; private set; }

    /// <summary>When the first transaction started (UTC).</summary>
    public DateTime StartedUtc { get; private set; }

    /// <summary>Seconds from the first transaction's start to the last commit.</summary>
    public double Seconds { get; private set; }

    /// <summary>Transactions that started later than their slot (the source or this machine could not keep the pace).</summary>
    public int LateStarts { get; private set; }

    public async Task RunAsync(double changesPerSecond, TimeSpan duration)
    {
        await using var conn = await CdcBenchData.OpenAsync();
        var low = long.Parse(await conn.QueryScalarAsync($"SELECT MIN(id) FROM {CdcBenchData.Table}") ?? "1", CultureInfo.InvariantCulture);
        var present = new List<long>(HotRows);
        var presentIndex = new Dictionary<long, int>();
        foreach (var row in await conn.QueryTextRowsAsync(string.Create(CultureInfo.InvariantCulture, $"SELECT id FROM {CdcBenchData.Table} WHERE id >= {low} ORDER BY id LIMIT {HotRows}")))
        {
            var id = long.Parse(row[0]!, CultureInfo.InvariantCulture);
            presentIndex[id] = present.Count;
            present.Add(id);
        }

        var random = new Random(20261206);
        var slot = TimeSpan.FromSeconds(ChangesPerTransaction / changesPerSecond);
        var transactions = (int)(duration / slot);
        var deletedBefore = new List<long>();
        var started = Stopwatch.GetTimestamp();
        StartedUtc = DateTime.UtcNow;
        for (var t = 0; t < transactions; t++)
        {
            var due = slot * t;
            var wait = due - Stopwatch.GetElapsedTime(started);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }
            else if (wait < -slot)
            {
                LateStarts++;
            }

            // Keys for this transaction: deletes and updates of distinct present keys, re-inserts of the last deleted ones.
            var picked = new HashSet<long>();
            while (picked.Count < Deletes + Updates)
            {
                picked.Add(present[random.Next(present.Count)]);
            }

            var chosen = picked.ToList();
            var deletes = chosen.Take(Deletes).ToList();
            var updates = chosen.Skip(Deletes).ToList();
            await conn.ExecuteAsync("START TRANSACTION");
            long affected = await conn.ExecuteAsync($"DELETE FROM {CdcBenchData.Table} WHERE id IN ({Join(deletes)})");
            if (deletedBefore.Count > 0)
            {
                affected += await conn.ExecuteAsync(ReinsertSql(deletedBefore));
            }

            affected += await conn.ExecuteAsync(string.Create(CultureInfo.InvariantCulture,
                $"UPDATE {CdcBenchData.Table} SET qty = qty + 1, note = 'fresh {t}' WHERE id IN ({Join(updates)})"));
            var commitTime = DateTime.UtcNow;
            await conn.ExecuteAsync("COMMIT");
            var gtid = await conn.QueryScalarAsync("SELECT @@last_gtid") ?? throw new InvalidOperationException("The source reported no GTID for the last transaction; the freshness benchmark needs MariaDB GTIDs.");
            commitTimes[gtid] = commitTime;
            Changes += affected;
            Transactions++;

            foreach (var id in deletes)
            {
                Remove(present, presentIndex, id);
            }

            foreach (var id in deletedBefore)
            {
                presentIndex[id] = present.Count;
                present.Add(id);
            }

            deletedBefore = deletes;
        }

        // The last deleted keys come back, so the table keeps its size from run to run.
        if (deletedBefore.Count > 0)
        {
            var commitTime = DateTime.UtcNow;
            Changes += await conn.ExecuteAsync(ReinsertSql(deletedBefore));
            commitTimes[await conn.QueryScalarAsync("SELECT @@last_gtid") ?? string.Empty] = commitTime;
            Transactions++;
        }

        Seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static void Remove(List<long> present, Dictionary<long, int> index, long id)
    {
        var at = index[id];
        var last = present[^1];
        present[at] = last;
        index[last] = at;
        present.RemoveAt(present.Count - 1);
        index.Remove(id);
    }

    private static string ReinsertSql(List<long> ids) =>
        CdcBenchData.InsertSql("v", "(" + string.Join(" UNION ALL ", ids.Select(id => string.Create(CultureInfo.InvariantCulture, $"SELECT {id} AS v"))) + ") AS reinserted");

    private static string Join(IEnumerable<long> ids) => string.Join(", ", ids.Select(i => i.ToString(CultureInfo.InvariantCulture)));
}
