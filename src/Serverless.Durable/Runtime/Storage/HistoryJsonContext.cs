using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Durable.Runtime.Storage;

/// <summary>
/// Serialization code for what <see cref="InstanceStore"/> writes, generated at build time: the reflection-based
/// serializer builds its converters on first use (reflection, emitted IL and JIT for every property type), which was
/// a tenth of a short job's start-up CPU. The options match the store's (<see cref="JsonSerializerDefaults.Web"/>).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HistoryBatch))]
[JsonSerializable(typeof(CustomStatusRecord))]
[JsonSerializable(typeof(InboxMessage))]
internal sealed partial class HistoryJsonContext : JsonSerializerContext;
