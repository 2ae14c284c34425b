using System.Diagnostics;
using Serverless.Delta;
using Serverless.Storage;

namespace Serverless.Bench;

/// <summary>What one store gave for small commits and for the raw put-if-absent floor under them.</summary>
public sealed record DeltaCommitFigures(int Commits, double CommitsPerSecond, double P50Ms, double P99Ms, double RawPerSecond, double RawP50Ms, double RawP99Ms, long CommitBytes, int Checkpoints, IReadOnlyDictionary<string, double> MeanStageMs);

/// <summary>
/// Small commits (one add and a txn each, as a CDC writer makes them) one after another through DeltaTable, with the
/// default pipeline (checkpoint every 10 commits). The peer is the same store's put-if-absent of objects of the same
/// size: the floor any Delta writer pays, since a commit is one conditional create.
/// </summary>
public static class DeltaCommitBench
{
    public static async Task<DeltaCommitFigures> MeasureAsync(IObjectStore store, int commits, int warmup = 20)
    {
        var table = await DeltaTable.CreateAsync(new TableLocation(store, "commits"), DeltaBenchTables.KeyOnlyTable());
        for (var i = 0; i < warmup; i++)
        {
            await table.CommitAsync(table.BeginTransaction().Add(DeltaBenchTables.SmallAdd(i)).SetAppTransaction("cdc-0", i));
        }

        // The peer writes objects as large as a typical commit file of this table.
        var sample = await store.HeadAsync(table.Location.CommitPath(table.Snapshot.Version)) ?? throw new InvalidOperationException("The commit just written is missing.");
        var payload = new byte[sample.Size];
        Random.Shared.NextBytes(payload);
        for (var i = 0; i < warmup; i++)
        {
            await store.PutIfAbsentAsync($"raw/warm-{i:D6}.json", payload);
        }

        // Commits and raw puts alternate one for one, so both see the same disk and machine load (fsync latency on a
        // shared machine drifts by 2x within a minute; timing one after the other measured the drift, not the library).
        var latencies = new double[commits];
        var raw = new double[commits];
        var checkpoints = 0;
        var stages = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < commits; i++)
        {
            var seq = warmup + i;
            var tx = table.BeginTransaction().Add(DeltaBenchTables.SmallAdd(seq)).SetAppTransaction("cdc-0", seq);
            var t0 = Stopwatch.GetTimestamp();
            var result = await table.CommitAsync(tx);
            latencies[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            checkpoints += result.CheckpointWritten ? 1 : 0;
            foreach (var (stage, ms) in result.StageTimings)
            {
                stages[stage] = stages.GetValueOrDefault(stage) + (ms / commits);
            }

            t0 = Stopwatch.GetTimestamp();
            await store.PutIfAbsentAsync($"raw/{i:D20}.json", payload);
            raw[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }

        var seconds = latencies.Sum() / 1000;
        var rawSeconds = raw.Sum() / 1000;
        return new DeltaCommitFigures(
            commits,
            commits / seconds,
            DeltaBenchTables.Percentile(latencies, 50),
            DeltaBenchTables.Percentile(latencies, 99),
            commits / rawSeconds,
            DeltaBenchTables.Percentile(raw, 50),
            DeltaBenchTables.Percentile(raw, 99),
            sample.Size,
            checkpoints,
            stages);
    }
}
