using System.Globalization;
using System.Text;
using System.Text.Json;
using Serverless.Delta.Log;
using Serverless.Delta.Scanning;
using Serverless.Delta.Schema;
using Serverless.Parquet;

namespace Serverless.Delta.Merge;

/// <summary>
/// Delete tombstones (key, position) of a table whose snapshot is still loading. They live in the table itself, in the
/// metadata domain <see cref="Domain"/> (a Delta domainMetadata action, so they change in the same atomic commit as
/// the rows and are carried by checkpoints): {"tombstones":[[position, key1, key2...], ...]} with every value as text
/// in Delta's partition-value form (binary as base64). Other engines ignore the domain.
/// </summary>
internal static class MergeTombstones
{
    public const string Domain = "serverless.merge.tombstones";

    public static Dictionary<MergeKey, object> Read(Snapshot snapshot, IReadOnlyList<StructField> keyFields, StructField positionField)
    {
        var result = new Dictionary<MergeKey, object>();
        if (!snapshot.DomainMetadata.TryGetValue(Domain, out var domain) || domain.Configuration.Length == 0)
        {
            return result;
        }

        try
        {
            using var doc = JsonDocument.Parse(domain.Configuration);
            foreach (var entry in doc.RootElement.GetProperty("tombstones").EnumerateArray())
            {
                if (entry.GetArrayLength() != keyFields.Count + 1)
                {
                    throw new DeltaException($"Domain metadata '{Domain}' of table {snapshot.Describe()} holds a tombstone with {entry.GetArrayLength() - 1} key values; the merge key has {keyFields.Count} columns. Merge with the key the tombstones were written with.");
                }

                var position = FromText(entry[0].GetString(), positionField.Type) ?? throw new DeltaException($"Domain metadata '{Domain}' of table {snapshot.Describe()} holds a tombstone without a position.");
                var key = new object?[keyFields.Count];
                for (var k = 0; k < key.Length; k++)
                {
                    key[k] = FromText(entry[k + 1].GetString(), keyFields[k].Type);
                }

                result[new MergeKey(key)] = position;
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new DeltaException($"Domain metadata '{Domain}' of table {snapshot.Describe()} is not a valid tombstone list ({e.Message}); it is written only by this library's MergeWriter.", e);
        }

        return result;
    }

    public static string Write(Dictionary<MergeKey, object> tombstones, IReadOnlyList<StructField> keyFields, StructField positionField)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteStartArray("tombstones");
            foreach (var (key, position) in tombstones)
            {
                w.WriteStartArray();
                w.WriteStringValue(ToText(position, positionField.Type));
                for (var k = 0; k < keyFields.Count; k++)
                {
                    var text = ToText(key.Values[k], keyFields[k].Type);
                    if (text is null)
                    {
                        w.WriteNullValue();
                    }
                    else
                    {
                        w.WriteStringValue(text);
                    }
                }

                w.WriteEndArray();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static string? ToText(object? value, DeltaType type) => value switch
    {
        null => null,
        byte[] b => Convert.ToBase64String(b),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime dt => dt.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        ParquetDecimal p => p.ToString(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => type is PrimitiveType { Name: "boolean" } ? value.ToString()!.ToLowerInvariant() : value.ToString(),
    };

    private static object? FromText(string? text, DeltaType type) =>
        text is null ? null
        : type.Equals(PrimitiveType.Binary) ? Convert.FromBase64String(text)
        : DeltaValues.ParsePartitionValue(text, type) ?? (type.Equals(PrimitiveType.String) ? text : null);
}
