using System.Diagnostics;

namespace Serverless.Cdc.Writer;

/// <summary>
/// What a partition writer is doing, for the live view: buffered changes and bytes, Parquet flush time, object-create
/// latency of commits, active files, commit retries, per-table changes/s and the lag from source commit to lake commit
/// (p50/p99 over the last 8,192 changes). The writer updates it; <see cref="Read"/> may be called from any thread.
/// </summary>
public sealed class WriterMetrics
{
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(10);
    private readonly object gate = new();
    private readonly LatencyWindow lag = new(8192);
    private readonly LatencyWindow flush = new(256);
    private readonly LatencyWindow objectCreate = new(256);
    private readonly Dictionary<string, TableCounters> tables = new(StringComparer.Ordinal);
    private long bufferedChanges;
    private long bufferedBytes;
    private int waitingTables;
    private long commits;
    private long commitRetries;
    private long replaysSkipped;
    private long changesRead;
    private long lastSequenceRead = -1;

    internal void SetBuffered(long changes, long bytes, int waiting)
    {
        lock (gate)
        {
            bufferedChanges = changes;
            bufferedBytes = bytes;
            waitingTables = waiting;
        }
    }

    internal void Read(int changes, long lastSequence)
    {
        lock (gate)
        {
            changesRead += changes;
            lastSequenceRead = lastSequence;
        }
    }

    internal void Committed(string table, int changes, double parquetMs, double objectCreateMs, int retries, bool skipped, int activeFiles, DateTimeOffset committedAt, IEnumerable<DateTimeOffset> sourceCommitTimes)
    {
        lock (gate)
        {
            commits++;
            commitRetries += retries;
            if (skipped)
            {
                replaysSkipped++;
            }

            if (parquetMs > 0)
            {
                flush.Add(parquetMs);
            }

            objectCreate.Add(objectCreateMs);
            var t = Table(table);
            t.ActiveFiles = activeFiles;
            t.Changes += changes;
            t.Window.Enqueue((Stopwatch.GetTimestamp(), changes));
            foreach (var source in sourceCommitTimes)
            {
                var ms = Math.Max(0, (committedAt - source).TotalMilliseconds);
                lag.Add(ms);
                t.Lag.Add(ms);
            }
        }
    }

    internal void Stopped(string table, Exception error)
    {
        lock (gate)
        {
            Table(table).Error = error.Message;
        }
    }

    /// <summary>The table is held for a re-snapshot, asked for by <paramref name="error"/>.</summary>
    internal void Resnapshotting(string table, Exception error)
    {
        lock (gate)
        {
            Table(table).Resnapshot = error.Message;
        }
    }

    /// <summary>The table's (re-)snapshot is complete and its changes are applied again.</summary>
    internal void Live(string table)
    {
        lock (gate)
        {
            if (tables.TryGetValue(table, out var t))
            {
                t.Resnapshot = null;
            }
        }
    }

    public WriterMetricsSnapshot Read()
    {
        lock (gate)
        {
            var now = Stopwatch.GetTimestamp();
            var perTable = new List<TableWriterMetrics>(tables.Count);
            foreach (var (name, t) in tables)
            {
                while (t.Window.Count > 0 && Stopwatch.GetElapsedTime(t.Window.Peek().At, now) > RateWindow)
                {
                    t.Window.Dequeue();
                }

                var inWindow = t.Window.Sum(w => (long)w.Changes);
                perTable.Add(new TableWriterMetrics(name, t.Changes, inWindow / RateWindow.TotalSeconds, t.ActiveFiles, t.Error) { LagP50 = t.Lag.Percentile(50), LagP99 = t.Lag.Percentile(99), Resnapshot = t.Resnapshot });
            }

            return new WriterMetricsSnapshot(
                bufferedChanges, bufferedBytes, changesRead, lastSequenceRead, commits, commitRetries, replaysSkipped,
                flush.Percentile(50), flush.Percentile(99), objectCreate.Percentile(50), objectCreate.Percentile(99),
                tables.Values.Sum(t => (long)t.ActiveFiles), lag.Percentile(50), lag.Percentile(99), perTable)
            {
                WaitingTables = waitingTables,
            };
        }
    }

    private TableCounters Table(string name)
    {
        if (!tables.TryGetValue(name, out var t))
        {
            tables[name] = t = new TableCounters();
        }

        return t;
    }

    private sealed class TableCounters
    {
        public long Changes { get; set; }

        public int ActiveFiles { get; set; }

        public string? Error { get; set; }

        public string? Resnapshot { get; set; }

        public Queue<(long At, int Changes)> Window { get; } = new();

        public LatencyWindow Lag { get; } = new(1024);
    }
}

/// <summary>A partition writer's metrics at one moment (times in milliseconds; null before the first sample).</summary>
public sealed record WriterMetricsSnapshot(
    long BufferedChanges,
    long BufferedBytes,
    long ChangesRead,
    long LastSequenceRead,
    long Commits,
    long CommitRetries,
    long ReplaysSkipped,
    double? ParquetFlushP50,
    double? ParquetFlushP99,
    double? ObjectCreateP50,
    double? ObjectCreateP99,
    long ActiveFiles,
    double? LagP50,
    double? LagP99,
    IReadOnlyList<TableWriterMetrics> Tables)
{
    /// <summary>
    /// Tables whose changes the writer has read but holds until their snapshot is marked complete. With no buffered changes
    /// and none waiting, every change read (through <see cref="LastSequenceRead"/>) is in the lake or stopped its table.
    /// </summary>
    public int WaitingTables { get; init; }
}

/// <summary>One table's share: changes applied, changes/s over the last 10 s, its data files, and why it stopped (if it did).</summary>
public sealed record TableWriterMetrics(string Table, long ChangesApplied, double ChangesPerSecond, int ActiveFiles, string? StoppedBy)
{
    /// <summary>The table's lag from source commit to lake commit (ms) over its last 1,024 changes; null before the first commit.</summary>
    public double? LagP50 { get; init; }

    public double? LagP99 { get; init; }

    /// <summary>Why the table is held for a re-snapshot (the change it could not apply in order), or null.</summary>
    public string? Resnapshot { get; init; }
}
