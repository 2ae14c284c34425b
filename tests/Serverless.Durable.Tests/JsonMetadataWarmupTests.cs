using System.Text.Json;
using System.Text.Json.Serialization;
using Serverless.Durable.History;
using Serverless.Durable.Runtime;
using Serverless.Durable.Runtime.Storage;

namespace Serverless.Durable.Tests;

public sealed class JsonMetadataWarmupTests
{
    [Fact]
    public void TheTypesOfAGeneratedContextIncludeItsRootsAndEveryValueTypeItsPropertiesUse()
    {
        var types = JsonMetadataWarmup.TypesOf(WarmupJsonContext.Default);

        Assert.Contains(typeof(WarmupPayload), types);
        Assert.Contains(typeof(int), types);
        Assert.Contains(typeof(DateTime?), types);
        Assert.Contains(typeof(WarmupKind), types);
        Assert.Contains(typeof(HistoryBatch), JsonMetadataWarmup.TypesOf(HistoryJsonContext.Default));
        Assert.Contains(typeof(OrchestrationStatus), JsonMetadataWarmup.TypesOf(HistoryJsonContext.Default));
    }

    [Fact]
    public void PreparingEveryHistoryAndPayloadTypeLeavesTheJsonTheRuntimeWritesUnchanged()
    {
        var payload = new WarmupPayload(7, DateTime.UnixEpoch, WarmupKind.Second, "x");
        var before = JsonSerializer.Serialize(payload, DurableDataConverter.WithGeneratedTypes(WarmupJsonContext.Default).Options);
        var converter = DurableDataConverter.WithGeneratedTypes(WarmupJsonContext.Default);

        var prepared = JsonMetadataWarmup.PrepareAll(converter);

        Assert.Equal(JsonMetadataWarmup.TypesOf(HistoryJsonContext.Default).Count + JsonMetadataWarmup.TypesOf(WarmupJsonContext.Default).Count, prepared);
        Assert.Equal(before, converter.Serialize(payload, typeof(WarmupPayload)));
        Assert.Equal(payload, JsonSerializer.Deserialize<WarmupPayload>(before, converter.Options));
    }

    [Fact]
    public void AConverterWithoutGeneratedCodePreparesOnlyTheHistory()
    {
        Assert.Null(DurableDataConverter.Default.Generated);
        Assert.Equal(JsonMetadataWarmup.TypesOf(HistoryJsonContext.Default).Count, JsonMetadataWarmup.PrepareAll(DurableDataConverter.Default));
    }
}

public enum WarmupKind
{
    First,
    Second,
}

public sealed record WarmupPayload(int Count, DateTime? At, WarmupKind Kind, string Name);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(WarmupPayload))]
internal sealed partial class WarmupJsonContext : JsonSerializerContext;
