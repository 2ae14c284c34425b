using Serverless.Cdc.Schema;
using Serverless.Cdc.Snapshot;

namespace Serverless.Orchestrations.Activities;

/// <summary>Input of PlanChunks: the table and the chunk size (<see cref="ChunkPlanner.RowsPerChunk"/>).</summary>
/// <param name="ChunkBytes">Row data a chunk holds at the table's average row size, when that is more than <paramref name="ChunkRows"/> rows; 0: exactly ChunkRows.</param>
public sealed record PlanChunksInput(string JobName, SourceTable Table, long ChunkRows, long ChunkBytes = 0);
