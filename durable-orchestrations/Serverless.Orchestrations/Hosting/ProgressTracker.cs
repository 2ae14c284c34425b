using Serverless.Orchestrations.StartJob;

namespace Serverless.Orchestrations.Hosting;

/// <summary>Turns successive orchestration statuses into progress with rates (rows read per second over a sliding window) and ETAs.</summary>
internal sealed class ProgressTracker
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private readonly Dictionary<string, Queue<(TimeSpan At, long Rows)>> samples = new(StringComparer.Ordinal);
    private readonly Queue<(TimeSpan At, long Rows)> total = new();

    // When each table was first seen in a status and first seen complete, for a finished table's average rate.
    private readonly Dictionary<string, (TimeSpan FirstSeen, TimeSpan? CompletedAt)> spans = new(StringComparer.Ordinal);

    public JobProgress Build(JobProgress baseline, SnapshotStatus? status, TimeSpan elapsed)
    {
        if (status is null)
        {
            return baseline with { Elapsed = elapsed };
        }

        var tables = new List<TableProgress>(status.Tables.Count);
        foreach (var t in status.Tables)
        {
            if (!samples.TryGetValue(t.SourceTable, out var queue))
            {
                samples[t.SourceTable] = queue = new Queue<(TimeSpan, long)>();
            }

            var rate = t.Complete ? AverageRate(t, elapsed) : Rate(queue, elapsed, t.RowsRead);
            if (!t.Complete)
            {
                spans.TryAdd(t.SourceTable, (elapsed, null));
            }

            tables.Add(new TableProgress
            {
                SourceTable = t.SourceTable,
                LakeTable = t.LakeTable,
                ChunksTotal = t.ChunksTotal,
                ChunksRead = t.ChunksRead,
                ChunksCommitted = t.ChunksCommitted,
                RowsEstimate = t.RowsEstimate,
                RowsRead = t.RowsRead,
                RowsCommitted = t.RowsCommitted,
                BytesCommitted = t.BytesCommitted,
                RowsPerSecond = rate,
                Eta = t.Complete ? null : Eta(t.RowsEstimate, t.RowsRead, rate),
                CompletedEarlier = t.CompletedEarlier,
                Complete = t.Complete,
            });
        }

        var rowsRead = tables.Sum(t => t.RowsRead);
        var rowsEstimate = tables.Sum(t => Math.Max(t.RowsEstimate, t.RowsRead));
        var totalRate = status.Phase == JobPhase.Completed ? 0 : Rate(total, elapsed, rowsRead);
        return baseline with
        {
            Phase = status.Phase,
            Elapsed = elapsed,
            Tables = tables,
            RowsRead = rowsRead,
            RowsEstimate = rowsEstimate,
            RowsPerSecond = totalRate,
            Eta = status.Phase == JobPhase.Snapshotting ? Eta(rowsEstimate, rowsRead, totalRate) : null,
            StartPosition = status.StartPosition?.ToString() ?? baseline.StartPosition,
        };
    }

    private static double Rate(Queue<(TimeSpan At, long Rows)> queue, TimeSpan now, long rows)
    {
        queue.Enqueue((now, rows));
        while (queue.Count > 2 && now - queue.Peek().At > Window)
        {
            queue.Dequeue();
        }

        var (at, first) = queue.Peek();
        var seconds = (now - at).TotalSeconds;
        return seconds <= 0 ? 0 : Math.Max(0, rows - first) / seconds;
    }

    /// <summary>
    /// A finished table's rows over the time from its first status to its completion; 0 when it finished in an
    /// earlier run or was never seen unfinished (it began and ended between two polls).
    /// </summary>
    private double AverageRate(TableSnapshotStatus table, TimeSpan now)
    {
        if (table.CompletedEarlier || !spans.TryGetValue(table.SourceTable, out var span))
        {
            return 0;
        }

        var completedAt = span.CompletedAt ?? now;
        spans[table.SourceTable] = span with { CompletedAt = completedAt };
        var seconds = (completedAt - span.FirstSeen).TotalSeconds;
        return seconds <= 0 ? 0 : table.RowsRead / seconds;
    }

    private static TimeSpan? Eta(long estimate, long done, double rate) =>
        rate <= 0 || estimate <= done ? null : TimeSpan.FromSeconds(Math.Min((estimate - done) / rate, TimeSpan.FromDays(30).TotalSeconds));
}
