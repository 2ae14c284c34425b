using Serverless.Cdc.Snapshot;

namespace Serverless.Orchestrations.StartJob;

/// <summary>
/// The chunks waiting to be read, taken one table at a time in turn so that every planned table makes progress and
/// small tables finish (and commit) early. Orchestrator state: rebuilt identically on replay.
/// </summary>
internal sealed class ChunkRoundRobin
{
    private readonly List<(TableSnapshotRun Run, Queue<SnapshotChunk> Chunks)> tables = [];
    private int turn;

    public void Add(TableSnapshotRun run)
    {
        if (run.Chunks.Count > 0)
        {
            tables.Add((run, new Queue<SnapshotChunk>(run.Chunks)));
        }
    }

    public bool TryTake(out (TableSnapshotRun Run, SnapshotChunk Chunk) next)
    {
        while (tables.Count > 0)
        {
            turn %= tables.Count;
            var (run, chunks) = tables[turn];
            if (chunks.TryDequeue(out var chunk))
            {
                turn++;
                next = (run, chunk);
                return true;
            }

            tables.RemoveAt(turn);
        }

        next = default;
        return false;
    }
}
