using System.Text.Json;

namespace Serverless.Delta.Schema;

/// <summary>
/// One column. <see cref="Metadata"/> holds the column's JSON metadata verbatim (column mapping id and physical
/// name, type changes, invariants...), so that fields we do not interpret survive a rewrite of the schema.
/// </summary>
public sealed record StructField(string Name, DeltaType Type, bool Nullable, IReadOnlyDictionary<string, JsonElement> Metadata)
{
    public const string ColumnMappingIdKey = "delta.columnMapping.id";
    public const string PhysicalNameKey = "delta.columnMapping.physicalName";

    public static IReadOnlyDictionary<string, JsonElement> NoMetadata { get; } = new Dictionary<string, JsonElement>();

    public StructField(string name, DeltaType type, bool nullable = true)
        : this(name, type, nullable, NoMetadata)
    {
    }

    /// <summary>The column-mapping field id (also the Parquet field id), when the table uses column mapping.</summary>
    public long? ColumnMappingId =>
        Metadata.TryGetValue(ColumnMappingIdKey, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;

    /// <summary>The name of the column in data files: the physical name under column mapping, else the logical name.</summary>
    public string PhysicalName =>
        Metadata.TryGetValue(PhysicalNameKey, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : Name;

    /// <summary>A copy with one metadata key set.</summary>
    public StructField WithMetadata(string key, JsonElement value)
    {
        var copy = new Dictionary<string, JsonElement>(Metadata, StringComparer.Ordinal) { [key] = value };
        return this with { Metadata = copy };
    }

    public bool Equals(StructField? other) =>
        other is not null
        && Name == other.Name
        && Type.Equals(other.Type)
        && Nullable == other.Nullable
        && Metadata.Count == other.Metadata.Count
        && Metadata.All(kv => other.Metadata.TryGetValue(kv.Key, out var o) && kv.Value.GetRawText() == o.GetRawText());

    public override int GetHashCode() => HashCode.Combine(Name, Type, Nullable);
}
