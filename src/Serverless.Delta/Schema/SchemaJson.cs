using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Serverless.Delta.Schema;

/// <summary>Reads and writes the Spark-style JSON schema that metaData.schemaString carries.</summary>
public static class SchemaJson
{
    public static StructType Parse(string schemaString)
    {
        ArgumentNullException.ThrowIfNull(schemaString);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(schemaString);
        }
        catch (JsonException e)
        {
            throw new DeltaSchemaException($"The table schema (metaData.schemaString) is not valid JSON: {e.Message}", e);
        }

        using (doc)
        {
            return ParseType(doc.RootElement, "<root>") as StructType
                ?? throw new DeltaSchemaException("The table schema (metaData.schemaString) must be a struct type at the top level.");
        }
    }

    public static string Serialize(StructType schema)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            WriteType(w, schema);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    internal static void WriteType(Utf8JsonWriter w, DeltaType type)
    {
        switch (type)
        {
            case PrimitiveType or DecimalType:
                w.WriteStringValue(type.TypeName);
                break;
            case StructType s:
                w.WriteStartObject();
                w.WriteString("type", "struct");
                w.WriteStartArray("fields");
                foreach (var f in s.Fields)
                {
                    w.WriteStartObject();
                    w.WriteString("name", f.Name);
                    w.WritePropertyName("type");
                    WriteType(w, f.Type);
                    w.WriteBoolean("nullable", f.Nullable);
                    w.WriteStartObject("metadata");
                    foreach (var (k, v) in f.Metadata)
                    {
                        w.WritePropertyName(k);
                        v.WriteTo(w);
                    }

                    w.WriteEndObject();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
                break;
            case ArrayType a:
                w.WriteStartObject();
                w.WriteString("type", "array");
                w.WritePropertyName("elementType");
                WriteType(w, a.ElementType);
                w.WriteBoolean("containsNull", a.ContainsNull);
                w.WriteEndObject();
                break;
            case MapType m:
                w.WriteStartObject();
                w.WriteString("type", "map");
                w.WritePropertyName("keyType");
                WriteType(w, m.KeyType);
                w.WritePropertyName("valueType");
                WriteType(w, m.ValueType);
                w.WriteBoolean("valueContainsNull", m.ValueContainsNull);
                w.WriteEndObject();
                break;
            default:
                throw new NotSupportedException($"Unknown Delta type {type}.");
        }
    }

    private static DeltaType ParseType(JsonElement e, string where)
    {
        if (e.ValueKind == JsonValueKind.String)
        {
            return ParsePrimitive(e.GetString()!, where);
        }

        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("type", out var kind) || kind.ValueKind != JsonValueKind.String)
        {
            throw new DeltaSchemaException($"The type of column '{where}' must be a type name or an object with a \"type\" field; got {e.ValueKind}.");
        }

        switch (kind.GetString())
        {
            case "struct":
                if (!e.TryGetProperty("fields", out var fields) || fields.ValueKind != JsonValueKind.Array)
                {
                    throw new DeltaSchemaException($"The struct type of '{where}' has no \"fields\" array.");
                }

                var list = new List<StructField>(fields.GetArrayLength());
                foreach (var f in fields.EnumerateArray())
                {
                    var name = f.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String
                        ? n.GetString()!
                        : throw new DeltaSchemaException($"A field of '{where}' has no name.");
                    var fieldPath = where == "<root>" ? name : where + "." + name;
                    if (!f.TryGetProperty("type", out var t))
                    {
                        throw new DeltaSchemaException($"Column '{fieldPath}' has no type.");
                    }

                    var nullable = !f.TryGetProperty("nullable", out var nb) || nb.ValueKind != JsonValueKind.False;
                    var meta = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                    if (f.TryGetProperty("metadata", out var md) && md.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var p in md.EnumerateObject())
                        {
                            meta[p.Name] = p.Value.Clone();
                        }
                    }

                    list.Add(new StructField(name, ParseType(t, fieldPath), nullable, meta));
                }

                return new StructType(list);
            case "array":
                return new ArrayType(
                    ParseType(e.GetProperty("elementType"), where + ".element"),
                    !e.TryGetProperty("containsNull", out var cn) || cn.ValueKind != JsonValueKind.False);
            case "map":
                return new MapType(
                    ParseType(e.GetProperty("keyType"), where + ".key"),
                    ParseType(e.GetProperty("valueType"), where + ".value"),
                    !e.TryGetProperty("valueContainsNull", out var vn) || vn.ValueKind != JsonValueKind.False);
            case var other:
                return ParsePrimitive(other!, where);
        }
    }

    private static DeltaType ParsePrimitive(string name, string where)
    {
        var p = PrimitiveType.FromName(name);
        if (p is not null)
        {
            return p;
        }

        if (name.StartsWith("decimal", StringComparison.Ordinal))
        {
            if (name == "decimal")
            {
                return new DecimalType(10, 0);
            }

            var open = name.IndexOf('(', StringComparison.Ordinal);
            var comma = name.IndexOf(',', StringComparison.Ordinal);
            var close = name.IndexOf(')', StringComparison.Ordinal);
            if (open > 0 && comma > open && close > comma
                && int.TryParse(name.AsSpan(open + 1, comma - open - 1).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var precision)
                && int.TryParse(name.AsSpan(comma + 1, close - comma - 1).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var scale)
                && precision is >= 1 and <= DecimalType.MaxPrecision && scale >= 0 && scale <= precision)
            {
                return new DecimalType(precision, scale);
            }
        }

        throw new DeltaSchemaException($"Column '{where}' has type '{name}', which is not a Delta type this library knows (string, long, integer, short, byte, float, double, decimal(p,s), boolean, binary, date, timestamp, timestamp_ntz, struct, array, map).");
    }
}
