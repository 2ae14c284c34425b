using Serverless.Cdc.Schema;
using Serverless.Cdc.Snapshot;
using Serverless.Orchestrations.Activities;
using Serverless.Orchestrations.Jobs;
using Serverless.Orchestrations.Lake;

namespace Serverless.Orchestrations.StartJob;

/// <summary>
/// The orchestrator's bookkeeping for one table (in memory, rebuilt identically on replay): which chunks are read,
/// which commit groups are scheduled and committed. Group g holds chunks [g·n, (g+1)·n) in key order and is committed as
/// snapshot sequence <c>base + g + 1</c>, a function of the plan alone, so a replayed commit carries the same sequence.
/// </summary>
internal sealed class TableSnapshotRun
{
    private readonly ChunkReadResult?[] results;
    private readonly int chunksPerCommit;
    private int chunksRead;
    private long rowsRead;

    public TableSnapshotRun(SourceTable table, int tableIndex, TableMigration migration, IReadOnlyList<SnapshotChunk> chunks, int chunksPerCommit)
    {
        Table = table;
        TableIndex = tableIndex;
        Migration = migration;
        Chunks = chunks;
        this.chunksPerCommit = chunksPerCommit;
        results = new ChunkReadResult?[chunks.Count];
        GroupCount = (chunks.Count + chunksPerCommit - 1) / chunksPerCommit;
        Status = new TableSnapshotStatus
        {
            SourceTable = table.QualifiedName,
            LakeTable = migration.Lake.LakeTable,
            ChunksTotal = chunks.Count,
            RowsEstimate = chunks.Sum(c => c.RowEstimate),
            CompletedEarlier = migration.SnapshotComplete,
            Complete = migration.SnapshotComplete,
        };
    }

    public SourceTable Table { get; }

    /// <summary>The table's place in the job's table list (status lists tables in this order).</summary>
    public int TableIndex { get; }

    public TableMigration Migration { get; }

    public string LakeTable => Migration.Lake.LakeTable;

    public IReadOnlyList<SnapshotChunk> Chunks { get; }

    public int GroupCount { get; }

    /// <summary>The next commit group not yet scheduled.</summary>
    public int NextGroup { get; private set; }

    public bool CompletionScheduled { get; set; }

    /// <summary>The chain of this table's commits: each waits for the one before, so sequences land in order.</summary>
    public Task Chain { get; set; } = Task.CompletedTask;

    public TableSnapshotStatus Status { get; private set; }

    public long LastVersion { get; private set; } = -1;

    public void OnRead(int chunkIndex, ChunkReadResult result)
    {
        results[chunkIndex] = result;
        chunksRead++;
        rowsRead += result.Rows;
        Status = Status with { ChunksRead = chunksRead, RowsRead = rowsRead };
    }

    /// <summary>True when the next unscheduled group's chunks are all read.</summary>
    public bool NextGroupIsRead()
    {
        if (NextGroup >= GroupCount)
        {
            return false;
        }

        var (start, end) = GroupRange(NextGroup);
        for (var i = start; i < end; i++)
        {
            if (results[i] is null)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Takes the next group for commit: its input, with the chunk results released from memory.</summary>
    public (int Group, CommitChunksInput Input) TakeNextGroup(string jobName)
    {
        var group = NextGroup++;
        var (start, end) = GroupRange(group);
        var ids = new List<string>(end - start);
        var files = new List<SnapshotFile>();
        for (var i = start; i < end; i++)
        {
            var r = results[i]!;
            ids.Add(r.ChunkId);
            foreach (var f in r.Files)
            {
                files.Add(new SnapshotFile(f.Path, f.SizeBytes, f.Rows, f.DeltaStats));
            }

            results[i] = null;
        }

        var sequence = Migration.SnapshotSequence + group + 1;

        // An earlier run committed part of this table and never finished: the first commit replaces its files.
        var replace = group == 0 && Migration.SnapshotSequence > 0;
        return (group, new CommitChunksInput(jobName, LakeTable, sequence, replace, ids, files));
    }

    public void OnCommitted(int group, CommitChunksInput input, SnapshotCommitResult result)
    {
        var (start, end) = GroupRange(group);
        LastVersion = Math.Max(LastVersion, result.Version);
        Status = Status with
        {
            ChunksCommitted = Status.ChunksCommitted + (end - start),
            RowsCommitted = Status.RowsCommitted + input.Files.Sum(f => f.Rows),
            BytesCommitted = Status.BytesCommitted + input.Files.Sum(f => f.SizeBytes),
            FilesCommitted = Status.FilesCommitted + input.Files.Count,
            Commits = Status.Commits + 1,
        };
    }

    public TableSnapshotState FinalState(DateTime completedAtUtc) => new()
    {
        SourceTable = Table.QualifiedName,
        LakeTable = LakeTable,
        Phase = TablePhase.SnapshotComplete,
        Chunks = Chunks.Count,
        Rows = Status.RowsCommitted,
        Files = Status.FilesCommitted,
        Bytes = Status.BytesCommitted,
        LakeVersion = LastVersion,
        CompletedAtUtc = completedAtUtc,
    };

    public void MarkComplete() => Status = Status with { Complete = true };

    private (int Start, int End) GroupRange(int group) =>
        (group * chunksPerCommit, Math.Min((group + 1) * chunksPerCommit, results.Length));
}
