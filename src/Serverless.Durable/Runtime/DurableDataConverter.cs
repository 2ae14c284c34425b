using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.DurableTask;

namespace Serverless.Durable.Runtime;

/// <summary>
/// Turns inputs, outputs, event payloads and custom status into the JSON that history stores. An SDK
/// <see cref="DataConverter"/>, so client metadata read with it (<c>ReadOutputAs</c>) agrees with what the runtime wrote.
/// </summary>
public sealed class DurableDataConverter : DataConverter
{
    public DurableDataConverter(JsonSerializerOptions options)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
    }

    /// <summary>System.Text.Json web defaults (camelCase, case-insensitive reads).</summary>
    public static DurableDataConverter Default { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public JsonSerializerOptions Options { get; }

    /// <summary>
    /// Web defaults with serialization code generated at build time (a <c>JsonSerializerContext</c>) for the types
    /// <paramref name="generated"/> knows, and reflection for any other type. A job's payloads go through here a few
    /// hundred times, but building their reflection-based converters on first use (reflection, emitted IL, JIT) cost
    /// more start-up CPU than all of those calls.
    /// </summary>
    public static DurableDataConverter WithGeneratedTypes(IJsonTypeInfoResolver generated)
    {
        ArgumentNullException.ThrowIfNull(generated);
        return new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine(generated, new DefaultJsonTypeInfoResolver()),
        })
        {
            Generated = generated as JsonSerializerContext,
        };
    }

    /// <summary>The generated serialization code this converter was made with, if any (see <see cref="JsonMetadataWarmup"/>).</summary>
    public JsonSerializerContext? Generated { get; private init; }

    /// <summary>JSON for <paramref name="value"/> using its runtime type, or null for null.</summary>
    public override string? Serialize(object? value) => value is null ? null : JsonSerializer.Serialize(value, value.GetType(), Options);

    /// <summary>JSON for <paramref name="value"/> as the declared <paramref name="type"/>, or null for null.</summary>
    public string? Serialize(object? value, Type type) => value is null ? null : JsonSerializer.Serialize(value, type, Options);

    /// <summary>The value in <paramref name="data"/>; null JSON gives the type's default.</summary>
    public override object? Deserialize(string? data, Type targetType)
    {
        ArgumentNullException.ThrowIfNull(targetType);
        if (data is null)
        {
            return targetType.IsValueType && Nullable.GetUnderlyingType(targetType) is null ? Activator.CreateInstance(targetType) : null;
        }

        return JsonSerializer.Deserialize(data, targetType, Options);
    }

    /// <summary>The value in <paramref name="data"/>; null JSON gives default.</summary>
    public override T? Deserialize<T>(string? data)
        where T : default => data is null ? default : JsonSerializer.Deserialize<T>(data, Options);
}
