using Serverless.Cdc.Capture;
using Serverless.Cdc.Writer;
using Serverless.Delta.Compaction;

namespace Serverless.Orchestrations.Streaming;

/// <summary>
/// The live streaming objects of this process (one per host, a DI singleton): the running capture, each partition's
/// writer and its tables, and the compaction backlog per table. Activities register what they run; the live view and
/// the stream-status record read it. A segment that ends leaves its last numbers, so totals survive segment boundaries.
/// </summary>
public sealed class StreamMonitor
{
    private static readonly TimeSpan BacklogRefresh = TimeSpan.FromSeconds(5);
    private readonly object gate = new();
    private readonly Dictionary<int, Writer> writers = [];
    private readonly Dictionary<string, long> appliedBefore = new(StringComparer.Ordinal);

    // Per partition: commits and retries of ended segments, and the metrics the last ended segment left (a new segment's
    // percentiles are empty until its first commit; the view shows the previous ones meanwhile).
    private readonly Dictionary<int, (long Commits, long Retries)> committedBefore = [];
    private readonly Dictionary<int, WriterMetricsSnapshot> previous = [];
    private readonly Dictionary<string, (int Partition, WriterTable Table)> tables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Version, CompactionBacklog Backlog)> backlogs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ResnapshotStatus> resnapshots = new(StringComparer.Ordinal);
    private readonly CompactionOptions compactionOptions = new();
    private BinlogCapture? capture;
    private CaptureProgress? lastCapture;
    private long publishedBefore;
    private int compactionRounds;
    private DateTimeOffset? lastCompaction;
    private long? lastBacklogRefresh;

    /// <summary>The running capture's progress, or the last one's once it ended; null before any.</summary>
    public CaptureProgress? CaptureProgress
    {
        get
        {
            lock (gate)
            {
                return capture?.Progress ?? lastCapture;
            }
        }
    }

    /// <summary>The metrics of partition <paramref name="partition"/>'s writer (running or last), or null before its first segment.</summary>
    public WriterMetricsSnapshot? WriterMetrics(int partition)
    {
        lock (gate)
        {
            return writers.TryGetValue(partition, out var w) ? w.Read() : null;
        }
    }

    /// <summary>Carries the totals of an earlier run (its last stream-status record) into this run's, so counts cover the job's life.</summary>
    public void Continue(StreamStatus? earlier)
    {
        if (earlier is null)
        {
            return;
        }

        lock (gate)
        {
            publishedBefore += earlier.Capture?.ChangesPublished ?? 0;
            foreach (var t in earlier.Tables)
            {
                appliedBefore[t.Table] = appliedBefore.GetValueOrDefault(t.Table) + t.ChangesApplied;
            }
        }
    }

    public void CaptureStarted(BinlogCapture started)
    {
        lock (gate)
        {
            capture = started;
        }
    }

    public void CaptureEnded(BinlogCapture ended)
    {
        ArgumentNullException.ThrowIfNull(ended);
        lock (gate)
        {
            if (ReferenceEquals(capture, ended))
            {
                lastCapture = ended.Progress;
                publishedBefore += lastCapture.ChangesPublished;
                capture = null;
            }
        }
    }

    public void WriterStarted(PartitionWriter writer, IReadOnlyList<WriterTable> written)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(written);
        lock (gate)
        {
            writers[writer.Partition] = new Writer(writer);
            foreach (var table in written)
            {
                tables[table.QualifiedName] = (writer.Partition, table);
            }
        }
    }

    public void WriterEnded(PartitionWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        lock (gate)
        {
            if (writers.TryGetValue(writer.Partition, out var w) && ReferenceEquals(w.Live, writer))
            {
                var last = w.End();
                foreach (var t in last.Tables)
                {
                    appliedBefore[t.Table] = appliedBefore.GetValueOrDefault(t.Table) + t.ChangesApplied;
                }

                var before = committedBefore.GetValueOrDefault(writer.Partition);
                committedBefore[writer.Partition] = (before.Commits + last.Commits, before.Retries + last.CommitRetries);
                previous[writer.Partition] = Merge(last, previous.GetValueOrDefault(writer.Partition));
            }
        }
    }

    public void Compacted(string table, CompactionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        lock (gate)
        {
            backlogs[table] = (result.After.Version, result.After);
        }
    }

    /// <summary>Where the re-snapshot of a table stands (<paramref name="phase"/>, chunks read of all).</summary>
    public void ResnapshotProgress(SnapshotRequest request, string phase, int chunksRead, int chunks)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (gate)
        {
            resnapshots.TryGetValue(request.QualifiedTable, out var earlier);
            resnapshots[request.QualifiedTable] = new ResnapshotStatus
            {
                Table = request.QualifiedTable,
                Phase = phase,
                ChunksRead = chunksRead,
                Chunks = chunks,
                Epoch = request.Epoch,
                Reason = request.Reason,
                StartedAtUtc = earlier?.StartedAtUtc ?? DateTimeOffset.UtcNow,
            };
        }
    }

    /// <summary>The table's re-snapshot is published (its writer catches it up next).</summary>
    public void ResnapshotEnded(string table)
    {
        lock (gate)
        {
            resnapshots.Remove(table);
        }
    }

    public void CompactionRoundEnded(DateTimeOffset at)
    {
        lock (gate)
        {
            compactionRounds++;
            lastCompaction = at;
        }
    }

    /// <summary>
    /// The stream as the view and the status record show it. <paramref name="published"/> gives each partition's last
    /// published sequence (from the change log); the compaction backlog of each written table is measured on its
    /// newest snapshot every few seconds.
    /// </summary>
    public StreamStatus Read(IReadOnlyDictionary<int, long> published, bool running, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(published);
        lock (gate)
        {
            RefreshBacklogs();
            var progress = capture?.Progress ?? lastCapture;
            var partitions = new List<PartitionStreamStatus>();
            var perTable = new Dictionary<string, (TableWriterMetrics Metrics, bool Live)>(StringComparer.Ordinal);
            foreach (var (p, w) in writers.OrderBy(x => x.Key))
            {
                var live = w.Live is not null;
                var m = live ? Merge(w.Read(), previous.GetValueOrDefault(p)) : previous.GetValueOrDefault(p) ?? w.Read();
                var before = committedBefore.GetValueOrDefault(p);
                foreach (var t in m.Tables)
                {
                    // A live segment's counts are its own (earlier segments' tables come in with zero); an ended one's are in appliedBefore.
                    perTable[t.Table] = (t, live);
                }

                partitions.Add(new PartitionStreamStatus
                {
                    Partition = p,
                    Running = running && w.Live is not null,
                    LastSequencePublished = published.GetValueOrDefault(p, -1),
                    LastSequenceRead = m.LastSequenceRead,
                    BufferedChanges = m.BufferedChanges,
                    BufferedBytes = m.BufferedBytes,
                    WaitingTables = m.WaitingTables,
                    Commits = before.Commits + (live ? m.Commits : 0),
                    CommitRetries = before.Retries + (live ? m.CommitRetries : 0),
                    ParquetFlushP50 = m.ParquetFlushP50,
                    ParquetFlushP99 = m.ParquetFlushP99,
                    ObjectCreateP50 = m.ObjectCreateP50,
                    ObjectCreateP99 = m.ObjectCreateP99,
                    ActiveFiles = m.ActiveFiles,
                    LagP50 = m.LagP50,
                    LagP99 = m.LagP99,
                });
            }

            var tableStatus = tables.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t =>
            {
                perTable.TryGetValue(t.Key, out var written);
                var m = written.Metrics;
                backlogs.TryGetValue(t.Key, out var b);
                return new TableStreamStatus
                {
                    Table = t.Key,
                    Partition = t.Value.Partition,
                    ChangesApplied = appliedBefore.GetValueOrDefault(t.Key) + (written.Live ? m.ChangesApplied : 0),
                    ChangesPerSecond = m?.ChangesPerSecond ?? 0,
                    LagP50 = m?.LagP50,
                    LagP99 = m?.LagP99,
                    ActiveFiles = b.Backlog?.LiveFiles ?? m?.ActiveFiles ?? 0,
                    StoppedBy = m?.StoppedBy,
                    Resnapshot = m?.Resnapshot,
                    CompactionBacklogFiles = b.Backlog?.PlannedFiles ?? 0,
                    CompactionBacklogBytes = b.Backlog?.PlannedBytes ?? 0,
                    DeletedRows = b.Backlog?.DeletedRows ?? 0,
                };
            }).ToList();

            return new StreamStatus
            {
                UpdatedAtUtc = now,
                Running = running,
                Capture = progress is null ? null : new CaptureStreamStatus
                {
                    Running = running && capture is not null && progress.Running,
                    Position = progress.Position.IsEmpty ? null : progress.Position.ToString(),
                    Checkpoint = progress.Checkpoint,
                    ChangesPublished = publishedBefore + (capture is null ? 0 : progress.ChangesPublished),
                    ChangesPerSecond = capture is null ? 0 : progress.ChangesPerSecond,
                    LagMilliseconds = progress.Lag.TotalMilliseconds,
                    LastCommitTime = progress.LastCommitTime,
                    BufferedBytes = progress.BufferedBytes,
                    Reconnects = progress.Reconnects,
                },
                Partitions = partitions,
                Tables = tableStatus,
                Resnapshots = resnapshots.Values.OrderBy(r => r.Table, StringComparer.Ordinal).ToList(),
                CompactionRounds = compactionRounds,
                LastCompactionAtUtc = lastCompaction,
            };
        }
    }

    /// <summary>
    /// A segment's metrics with what it has not measured yet (percentiles before its first commit, tables it has not
    /// written) taken from the segments before it; counts stay the segment's own.
    /// </summary>
    private static WriterMetricsSnapshot Merge(WriterMetricsSnapshot current, WriterMetricsSnapshot? earlier)
    {
        if (earlier is null)
        {
            return current;
        }

        var tables = current.Tables.ToDictionary(t => t.Table, StringComparer.Ordinal);
        var merged = current.Tables.Select(t => earlier.Tables.FirstOrDefault(e => e.Table == t.Table) is { } e
            ? t with { LagP50 = t.LagP50 ?? e.LagP50, LagP99 = t.LagP99 ?? e.LagP99 }
            : t).ToList();
        merged.AddRange(earlier.Tables.Where(e => !tables.ContainsKey(e.Table)).Select(e => e with { ChangesApplied = 0, ChangesPerSecond = 0 }));
        return current with
        {
            ParquetFlushP50 = current.ParquetFlushP50 ?? earlier.ParquetFlushP50,
            ParquetFlushP99 = current.ParquetFlushP99 ?? earlier.ParquetFlushP99,
            ObjectCreateP50 = current.ObjectCreateP50 ?? earlier.ObjectCreateP50,
            ObjectCreateP99 = current.ObjectCreateP99 ?? earlier.ObjectCreateP99,
            LagP50 = current.LagP50 ?? earlier.LagP50,
            LagP99 = current.LagP99 ?? earlier.LagP99,
            Tables = merged,
        };
    }

    /// <summary>Measures the backlog of written tables whose snapshot moved since it was last measured (at most every few seconds).</summary>
    private void RefreshBacklogs()
    {
        if (lastBacklogRefresh is { } last && System.Diagnostics.Stopwatch.GetElapsedTime(last) < BacklogRefresh)
        {
            return;
        }

        lastBacklogRefresh = System.Diagnostics.Stopwatch.GetTimestamp();
        foreach (var (name, (_, table)) in tables)
        {
            // The snapshot object is immutable and replaced whole on refresh, so reading it beside the writer is safe.
            var snapshot = table.Lake.Snapshot;
            if (!backlogs.TryGetValue(name, out var known) || known.Version < snapshot.Version)
            {
                backlogs[name] = (snapshot.Version, CompactionPlanner.MeasureBacklog(snapshot, compactionOptions));
            }
        }
    }

    /// <summary>A partition's writer: the live one, or the metrics it ended with.</summary>
    private sealed class Writer(PartitionWriter live)
    {
        private WriterMetricsSnapshot? last;

        public PartitionWriter? Live { get; private set; } = live;

        public WriterMetricsSnapshot Read() => Live?.Metrics.Read() ?? last!;

        public WriterMetricsSnapshot End()
        {
            last = Live!.Metrics.Read();
            Live = null;
            return last;
        }
    }
}
