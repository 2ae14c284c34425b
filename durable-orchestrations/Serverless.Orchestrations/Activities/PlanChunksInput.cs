using Serverless.Cdc.Schema;

namespace Serverless.Orchestrations.Activities;

/// <summary>Input of PlanChunks: the table and the target rows per chunk.</summary>
public sealed record PlanChunksInput(string JobName, SourceTable Table, long ChunkRows);
