using System.Globalization;
using System.Text;
using System.Text.Json;
using Serverless.Parquet;

namespace Serverless.Cdc.Snapshot;

/// <summary>Turns the Parquet writer's file statistics into Delta add-action stats (PROTOCOL.md, Per-file Statistics).</summary>
internal static class DeltaFileStats
{
    private const int MaxStringStatChars = 32;

    public static (IReadOnlyList<ChunkColumnStats> Columns, string Json) Build(ParquetFileMetadata file)
    {
        var columns = new List<ChunkColumnStats>(file.ColumnStatistics.Count);
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("numRecords", file.RowCount);
            var mins = new List<(string, string)>();
            var maxes = new List<(string, string)>();
            foreach (var s in file.ColumnStatistics)
            {
                var min = Render(s.Column, s.Min, isMax: false);
                var max = Render(s.Column, s.Max, isMax: true);
                if (min is not null)
                {
                    mins.Add((s.ColumnName, min));
                }

                if (max is not null)
                {
                    maxes.Add((s.ColumnName, max));
                }

                columns.Add(new ChunkColumnStats(s.ColumnName, s.NullCount ?? 0, Parse(min), Parse(max)));
            }

            WriteSection(w, "minValues", mins);
            WriteSection(w, "maxValues", maxes);
            w.WriteStartObject("nullCount");
            foreach (var s in file.ColumnStatistics)
            {
                w.WriteNumber(s.ColumnName, s.NullCount ?? 0);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return (columns, Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    private static void WriteSection(Utf8JsonWriter w, string name, List<(string Column, string Json)> values)
    {
        w.WriteStartObject(name);
        foreach (var (column, json) in values)
        {
            w.WritePropertyName(column);
            w.WriteRawValue(json, skipInputValidation: true);
        }

        w.WriteEndObject();
    }

    private static JsonElement? Parse(string? json)
    {
        if (json is null)
        {
            return null;
        }

        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    /// <summary>The JSON text of one bound, or null when Delta stats should not carry it.</summary>
    private static string? Render(ParquetColumn column, object? value, bool isMax)
    {
        switch (value)
        {
            case null or bool or byte[]:
                return null;
            case int i:
                return i.ToString(CultureInfo.InvariantCulture);
            case long l:
                return l.ToString(CultureInfo.InvariantCulture);
            case float f when float.IsFinite(f):
                return f.ToString("R", CultureInfo.InvariantCulture);
            case double d when double.IsFinite(d):
                return d.ToString("R", CultureInfo.InvariantCulture);
            case ParquetDecimal dec:
                return dec.ToString();
            case DateOnly date:
                return Quote(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            case DateTime ts:
                {
                    // Delta stats carry milliseconds: round the bound outwards so it still encloses every value.
                    var ticksPerMs = TimeSpan.TicksPerMillisecond;
                    var rem = ts.Ticks % ticksPerMs;
                    if (rem != 0)
                    {
                        ts = isMax ? (ts.Ticks - rem + ticksPerMs <= DateTime.MaxValue.Ticks ? ts.AddTicks(ticksPerMs - rem) : ts.AddTicks(-rem)) : ts.AddTicks(-rem);
                    }

                    var utc = column.LogicalType?.IsAdjustedToUtc == true;
                    return Quote(ts.ToString(utc ? "yyyy-MM-dd'T'HH:mm:ss.fff'Z'" : "yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture));
                }

            case string s:
                if (s.Length <= MaxStringStatChars)
                {
                    return Quote(s);
                }

                // A prefix is still a lower bound; a cut maximum would not be an upper bound.
                return isMax ? null : Quote(s[..(char.IsHighSurrogate(s[MaxStringStatChars - 1]) ? MaxStringStatChars - 1 : MaxStringStatChars)]);
            default:
                return null;
        }
    }

    private static string Quote(string s) => JsonSerializer.Serialize(s);
}
