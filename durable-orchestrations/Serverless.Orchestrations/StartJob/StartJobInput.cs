namespace Serverless.Orchestrations.StartJob;

/// <summary>
/// The StartJob orchestration's input. Settings that steer the orchestrator's decisions live here (not in the spec
/// read by activities), so a resumed instance replays with the values it started with.
/// </summary>
/// <param name="JobName">The job spec's name.</param>
/// <param name="Parallelism">Chunks read at once over all tables (the spec's snapshot.parallelism).</param>
/// <param name="ChunkRows">Target rows per chunk (snapshot.chunkRows).</param>
/// <param name="ChunksPerCommit">Chunks of one table grouped into one Delta commit.</param>
/// <param name="ChunkBytes">Row data per chunk for narrow rows (snapshot.chunkBytes); 0, as in instances started before it existed: exactly ChunkRows.</param>
/// <param name="PlanWhileMigrating">
/// Plans a table's chunks beside its migration instead of after it, so the first reads start one step sooner (planning
/// only reads the source). False, as in instances started before it existed, replays their history's order.
/// </param>
public sealed record StartJobInput(string JobName, int Parallelism, long ChunkRows, int ChunksPerCommit, long ChunkBytes = 0, bool PlanWhileMigrating = false);
