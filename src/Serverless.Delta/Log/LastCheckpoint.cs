using System.Text.Json;

namespace Serverless.Delta.Log;

/// <summary>_delta_log/_last_checkpoint: a hint to the latest checkpoint (version, action count, parts).</summary>
public sealed record LastCheckpoint(long Version, long Size, int? Parts, long? SizeInBytes, long? NumOfAddFiles)
{
    public static LastCheckpoint? TryParse(ReadOnlySpan<byte> json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            var r = doc.RootElement;
            if (!r.TryGetProperty("version", out var v) || v.ValueKind != JsonValueKind.Number)
            {
                return null;
            }

            return new LastCheckpoint(
                v.GetInt64(),
                r.TryGetProperty("size", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt64() : 0,
                r.TryGetProperty("parts", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32() : null,
                r.TryGetProperty("sizeInBytes", out var b) && b.ValueKind == JsonValueKind.Number ? b.GetInt64() : null,
                r.TryGetProperty("numOfAddFiles", out var n) && n.ValueKind == JsonValueKind.Number ? n.GetInt64() : null);
        }
        catch (JsonException)
        {
            // The file is only a hint; a torn or garbled one is ignored and the listing decides.
            return null;
        }
    }

    public byte[] ToJson()
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteNumber("version", Version);
            w.WriteNumber("size", Size);
            if (Parts is { } parts)
            {
                w.WriteNumber("parts", parts);
            }

            if (SizeInBytes is { } sib)
            {
                w.WriteNumber("sizeInBytes", sib);
            }

            if (NumOfAddFiles is { } n)
            {
                w.WriteNumber("numOfAddFiles", n);
            }

            w.WriteEndObject();
        }

        return ms.ToArray();
    }
}
