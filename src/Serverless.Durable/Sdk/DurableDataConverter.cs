using System.Text.Json;

namespace Serverless.Durable.Sdk;

/// <summary>Turns inputs, outputs, event payloads and custom status into the JSON that history stores.</summary>
public sealed class DurableDataConverter
{
    public DurableDataConverter(JsonSerializerOptions options)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
    }

    /// <summary>System.Text.Json web defaults (camelCase, case-insensitive reads).</summary>
    public static DurableDataConverter Default { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public JsonSerializerOptions Options { get; }

    /// <summary>JSON for <paramref name="value"/> using its runtime type, or null for null.</summary>
    public string? Serialize(object? value) => value is null ? null : JsonSerializer.Serialize(value, value.GetType(), Options);

    /// <summary>JSON for <paramref name="value"/> as the declared <paramref name="type"/>, or null for null.</summary>
    public string? Serialize(object? value, Type type) => value is null ? null : JsonSerializer.Serialize(value, type, Options);

    /// <summary>The value in <paramref name="json"/>; null JSON gives the type's default.</summary>
    public object? Deserialize(string? json, Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (json is null)
        {
            return type.IsValueType && Nullable.GetUnderlyingType(type) is null ? Activator.CreateInstance(type) : null;
        }

        return JsonSerializer.Deserialize(json, type, Options);
    }

    /// <summary>The value in <paramref name="json"/>; null JSON gives default.</summary>
    public T? Deserialize<T>(string? json) => json is null ? default : JsonSerializer.Deserialize<T>(json, Options);
}
