using System.Text.Json;
using System.Text.Json.Serialization;
using Serverless.Cdc.Schema;
using Serverless.Cdc.Snapshot;
using Serverless.Orchestrations.Activities;
using Serverless.Orchestrations.Jobs;
using Serverless.Orchestrations.Lake;

namespace Serverless.Orchestrations.StartJob;

/// <summary>
/// Serialization code, generated at build time, for every payload StartJob and its activities pass through history
/// (inputs, outputs, custom status) and for the job state entities, with the embedded runtime's web defaults. Both the
/// declared and the runtime type of a list payload are listed: activities declare IReadOnlyList, the orchestrator asks
/// for List. The reflection-based serializer built these converters on first use at every start (about 1,200 methods
/// JIT-compiled, a third of them emitted IL) before the first chunk could be read.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(StartJobInput))]
[JsonSerializable(typeof(StartJobResult))]
[JsonSerializable(typeof(SnapshotStatus))]
[JsonSerializable(typeof(PreflightOutcome))]
[JsonSerializable(typeof(StartPosition))]
[JsonSerializable(typeof(IReadOnlyList<SourceTable>))]
[JsonSerializable(typeof(List<SourceTable>))]
[JsonSerializable(typeof(MigrateTableInput))]
[JsonSerializable(typeof(TableMigration))]
[JsonSerializable(typeof(PlanChunksInput))]
[JsonSerializable(typeof(IReadOnlyList<SnapshotChunk>))]
[JsonSerializable(typeof(List<SnapshotChunk>))]
[JsonSerializable(typeof(ReadChunkInput))]
[JsonSerializable(typeof(ChunkReadResult))]
[JsonSerializable(typeof(CommitChunksInput))]
[JsonSerializable(typeof(SnapshotCommitResult))]
[JsonSerializable(typeof(CompleteTableSnapshotInput))]
[JsonSerializable(typeof(TableSnapshotState))]
internal sealed partial class StartJobJsonContext : JsonSerializerContext;
