using Serverless.Cdc.Preflight;
using Serverless.Cdc.Schema;
using Serverless.Cdc.Snapshot;

namespace Serverless.Orchestrations.Activities;

/// <summary>Input of ReadChunk: the chunk, its table, the lake table its files go to, and how Lc is taken.</summary>
public sealed record ReadChunkInput(string JobName, SourceTable Table, string LakeTable, SnapshotChunk Chunk, SnapshotPositionMethod PositionMethod);
