using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Serverless.Delta.Actions;

/// <summary>
/// Newline-delimited JSON for commit files: one action a line. Unknown action kinds and unknown fields are
/// tolerated (kept raw or ignored) as PROTOCOL.md asks of readers.
/// </summary>
public static class ActionJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = true };

    /// <summary>Parses a whole commit file. <paramref name="source"/> names the file in errors (e.g. "commit 00000000000000000007.json").</summary>
    public static List<DeltaAction> ParseCommit(ReadOnlySpan<byte> content, string source)
    {
        var actions = new List<DeltaAction>();
        var lineNumber = 0;
        if (content.Length >= 3 && content[0] == 0xEF && content[1] == 0xBB && content[2] == 0xBF)
        {
            content = content[3..];
        }

        while (!content.IsEmpty)
        {
            lineNumber++;
            var nl = content.IndexOf((byte)'\n');
            var line = nl < 0 ? content : content[..nl];
            content = nl < 0 ? [] : content[(nl + 1)..];
            line = line.TrimEnd((byte)'\r');
            if (line.Trim((byte)' ').IsEmpty)
            {
                continue;
            }

            actions.Add(ParseLine(line, source, lineNumber));
        }

        return actions;
    }

    /// <summary>Parses one action line.</summary>
    public static DeltaAction ParseLine(ReadOnlySpan<byte> line, string source, int lineNumber)
    {
        try
        {
            var reader = new Utf8JsonReader(line, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Corrupt(source, lineNumber, "the line is not a JSON object");
            }

            DeltaAction? action = null;
            foreach (var p in root.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }

                action = p.Name switch
                {
                    "add" => ReadAdd(p.Value),
                    "remove" => ReadRemove(p.Value),
                    "metaData" => ReadMetadata(p.Value),
                    "protocol" => ReadProtocol(p.Value),
                    "txn" => new TransactionAction(Str(p.Value, "appId") ?? throw Missing("txn.appId"), Long(p.Value, "version") ?? throw Missing("txn.version"), Long(p.Value, "lastUpdated")),
                    "commitInfo" => ReadCommitInfo(p.Value),
                    "cdc" => new AddCdcFile(Str(p.Value, "path") ?? throw Missing("cdc.path"), NullableMap(p.Value, "partitionValues") ?? new Dictionary<string, string?>(), Long(p.Value, "size") ?? 0, Bool(p.Value, "dataChange") ?? false),
                    "domainMetadata" => new DomainMetadataAction(Str(p.Value, "domain") ?? throw Missing("domainMetadata.domain"), Str(p.Value, "configuration") ?? string.Empty, Bool(p.Value, "removed") ?? false),
                    _ => new UnknownAction(p.Name, p.Value.GetRawText()),
                };
                break;
            }

            return action ?? throw Corrupt(source, lineNumber, "the object holds no action");
        }
        catch (JsonException e)
        {
            throw Corrupt(source, lineNumber, "invalid JSON: " + e.Message, e);
        }
        catch (MissingFieldException e)
        {
            throw Corrupt(source, lineNumber, e.Message, e);
        }
        catch (InvalidOperationException e)
        {
            throw Corrupt(source, lineNumber, "a field has the wrong JSON type: " + e.Message, e);
        }
        catch (FormatException e)
        {
            throw Corrupt(source, lineNumber, "a field has a malformed value: " + e.Message, e);
        }
    }

    /// <summary>Serializes actions as a commit file: one line each, '\n' separated.</summary>
    public static byte[] WriteCommit(IEnumerable<DeltaAction> actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        var buffer = new ArrayBufferWriter<byte>(4096);
        var first = true;
        foreach (var a in actions)
        {
            if (!first)
            {
                buffer.Write("\n"u8);
            }

            first = false;
            using var w = new Utf8JsonWriter(buffer, WriterOptions);
            WriteAction(w, a);
            w.Flush();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static string ToJsonLine(DeltaAction action)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            WriteAction(w, action);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static void WriteAction(Utf8JsonWriter w, DeltaAction action)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.WriteStartObject();
        switch (action)
        {
            case ProtocolAction p:
                w.WriteStartObject("protocol");
                w.WriteNumber("minReaderVersion", p.MinReaderVersion);
                w.WriteNumber("minWriterVersion", p.MinWriterVersion);
                if (p.ReaderFeatures is not null)
                {
                    WriteStrings(w, "readerFeatures", p.ReaderFeatures);
                }

                if (p.WriterFeatures is not null)
                {
                    WriteStrings(w, "writerFeatures", p.WriterFeatures);
                }

                w.WriteEndObject();
                break;
            case MetadataAction m:
                w.WriteStartObject("metaData");
                w.WriteString("id", m.Id);
                if (m.Name is not null)
                {
                    w.WriteString("name", m.Name);
                }

                if (m.Description is not null)
                {
                    w.WriteString("description", m.Description);
                }

                w.WriteStartObject("format");
                w.WriteString("provider", m.Format.Provider);
                WriteMap(w, "options", m.Format.Options);
                w.WriteEndObject();
                if (m.SchemaString is not null)
                {
                    w.WriteString("schemaString", m.SchemaString);
                }

                WriteStrings(w, "partitionColumns", m.PartitionColumns);
                WriteMap(w, "configuration", m.Configuration);
                if (m.CreatedTime is { } ct)
                {
                    w.WriteNumber("createdTime", ct);
                }

                w.WriteEndObject();
                break;
            case AddFile a:
                w.WriteStartObject("add");
                w.WriteString("path", a.Path);
                WriteNullableMap(w, "partitionValues", a.PartitionValues);
                w.WriteNumber("size", a.Size);
                w.WriteNumber("modificationTime", a.ModificationTime);
                w.WriteBoolean("dataChange", a.DataChange);
                if (a.Stats is not null)
                {
                    w.WriteString("stats", a.Stats);
                }

                if (a.Tags is not null)
                {
                    WriteNullableMap(w, "tags", a.Tags);
                }

                if (a.DeletionVector is not null)
                {
                    WriteDv(w, a.DeletionVector);
                }

                WriteOptional(w, "baseRowId", a.BaseRowId);
                WriteOptional(w, "defaultRowCommitVersion", a.DefaultRowCommitVersion);
                if (a.ClusteringProvider is not null)
                {
                    w.WriteString("clusteringProvider", a.ClusteringProvider);
                }

                w.WriteEndObject();
                break;
            case RemoveFile r:
                w.WriteStartObject("remove");
                w.WriteString("path", r.Path);
                WriteOptional(w, "deletionTimestamp", r.DeletionTimestamp);
                w.WriteBoolean("dataChange", r.DataChange);
                if (r.ExtendedFileMetadata is { } ext)
                {
                    w.WriteBoolean("extendedFileMetadata", ext);
                }

                if (r.PartitionValues is not null)
                {
                    WriteNullableMap(w, "partitionValues", r.PartitionValues);
                }

                WriteOptional(w, "size", r.Size);
                if (r.Stats is not null)
                {
                    w.WriteString("stats", r.Stats);
                }

                if (r.Tags is not null)
                {
                    WriteNullableMap(w, "tags", r.Tags);
                }

                if (r.DeletionVector is not null)
                {
                    WriteDv(w, r.DeletionVector);
                }

                WriteOptional(w, "baseRowId", r.BaseRowId);
                WriteOptional(w, "defaultRowCommitVersion", r.DefaultRowCommitVersion);
                w.WriteEndObject();
                break;
            case TransactionAction t:
                w.WriteStartObject("txn");
                w.WriteString("appId", t.AppId);
                w.WriteNumber("version", t.Version);
                WriteOptional(w, "lastUpdated", t.LastUpdated);
                w.WriteEndObject();
                break;
            case CommitInfoAction c:
                WriteCommitInfo(w, c);
                break;
            case AddCdcFile cdc:
                w.WriteStartObject("cdc");
                w.WriteString("path", cdc.Path);
                WriteNullableMap(w, "partitionValues", cdc.PartitionValues);
                w.WriteNumber("size", cdc.Size);
                w.WriteBoolean("dataChange", cdc.DataChange);
                w.WriteEndObject();
                break;
            case DomainMetadataAction d:
                w.WriteStartObject("domainMetadata");
                w.WriteString("domain", d.Domain);
                w.WriteString("configuration", d.Configuration);
                w.WriteBoolean("removed", d.Removed);
                w.WriteEndObject();
                break;
            case UnknownAction u:
                w.WritePropertyName(u.Kind);
                w.WriteRawValue(u.RawJson, skipInputValidation: true);
                break;
            default:
                throw new NotSupportedException($"Cannot serialize action {action.GetType().Name}.");
        }

        w.WriteEndObject();
    }

    private static void WriteCommitInfo(Utf8JsonWriter w, CommitInfoAction c)
    {
        w.WriteStartObject("commitInfo");
        var written = new HashSet<string>(StringComparer.Ordinal);
        void Mark(string name) => written.Add(name);

        // inCommitTimestamp must be the first field when present (In-Commit Timestamps feature).
        if (c.InCommitTimestamp is { } ict)
        {
            w.WriteNumber("inCommitTimestamp", ict);
            Mark("inCommitTimestamp");
        }

        if (c.Timestamp is { } ts)
        {
            w.WriteNumber("timestamp", ts);
            Mark("timestamp");
        }

        if (c.Operation is not null)
        {
            w.WriteString("operation", c.Operation);
            Mark("operation");
        }

        if (c.OperationParameters is not null)
        {
            WriteMap(w, "operationParameters", c.OperationParameters);
            Mark("operationParameters");
        }

        if (c.ReadVersion is { } rv)
        {
            w.WriteNumber("readVersion", rv);
            Mark("readVersion");
        }

        if (c.IsBlindAppend is { } iba)
        {
            w.WriteBoolean("isBlindAppend", iba);
            Mark("isBlindAppend");
        }

        if (c.OperationMetrics is not null)
        {
            WriteMap(w, "operationMetrics", c.OperationMetrics);
            Mark("operationMetrics");
        }

        if (c.EngineInfo is not null)
        {
            w.WriteString("engineInfo", c.EngineInfo);
            Mark("engineInfo");
        }

        if (c.TxnId is not null)
        {
            w.WriteString("txnId", c.TxnId);
            Mark("txnId");
        }

        if (c.RawJson is not null)
        {
            using var doc = JsonDocument.Parse(c.RawJson);
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (!written.Contains(p.Name))
                {
                    p.WriteTo(w);
                }
            }
        }

        w.WriteEndObject();
    }

    private static void WriteDv(Utf8JsonWriter w, DeletionVectorDescriptor dv)
    {
        w.WriteStartObject("deletionVector");
        w.WriteString("storageType", dv.StorageType);
        w.WriteString("pathOrInlineDv", dv.PathOrInlineDv);
        if (dv.Offset is { } o)
        {
            w.WriteNumber("offset", o);
        }

        w.WriteNumber("sizeInBytes", dv.SizeInBytes);
        w.WriteNumber("cardinality", dv.Cardinality);
        w.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    private static void WriteMap(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, string> map)
    {
        w.WriteStartObject(name);
        foreach (var (k, v) in map)
        {
            w.WriteString(k, v);
        }

        w.WriteEndObject();
    }

    private static void WriteNullableMap(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, string?> map)
    {
        w.WriteStartObject(name);
        foreach (var (k, v) in map)
        {
            if (v is null)
            {
                w.WriteNull(k);
            }
            else
            {
                w.WriteString(k, v);
            }
        }

        w.WriteEndObject();
    }

    private static AddFile ReadAdd(JsonElement e) => new(
        Str(e, "path") ?? throw Missing("add.path"),
        NullableMap(e, "partitionValues") ?? new Dictionary<string, string?>(),
        Long(e, "size") ?? throw Missing("add.size"),
        Long(e, "modificationTime") ?? 0,
        Bool(e, "dataChange") ?? true,
        Str(e, "stats"),
        NullableMap(e, "tags"),
        ReadDv(e),
        Long(e, "baseRowId"),
        Long(e, "defaultRowCommitVersion"),
        Str(e, "clusteringProvider"));

    private static RemoveFile ReadRemove(JsonElement e) => new(
        Str(e, "path") ?? throw Missing("remove.path"),
        Long(e, "deletionTimestamp"),
        Bool(e, "dataChange") ?? true,
        Bool(e, "extendedFileMetadata"),
        NullableMap(e, "partitionValues"),
        Long(e, "size"),
        Str(e, "stats"),
        NullableMap(e, "tags"),
        ReadDv(e),
        Long(e, "baseRowId"),
        Long(e, "defaultRowCommitVersion"));

    private static DeletionVectorDescriptor? ReadDv(JsonElement parent)
    {
        if (!parent.TryGetProperty("deletionVector", out var dv) || dv.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var offset = Long(dv, "offset");
        return new DeletionVectorDescriptor(
            Str(dv, "storageType") ?? throw Missing("deletionVector.storageType"),
            Str(dv, "pathOrInlineDv") ?? throw Missing("deletionVector.pathOrInlineDv"),
            offset is null ? null : checked((int)offset.Value),
            checked((int)(Long(dv, "sizeInBytes") ?? throw Missing("deletionVector.sizeInBytes"))),
            Long(dv, "cardinality") ?? throw Missing("deletionVector.cardinality"));
    }

    private static MetadataAction ReadMetadata(JsonElement e)
    {
        var format = FileFormat.Parquet;
        if (e.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.Object)
        {
            format = new FileFormat(Str(f, "provider") ?? "parquet", Map(f, "options") ?? new Dictionary<string, string>());
        }

        var partitionColumns = new List<string>();
        if (e.TryGetProperty("partitionColumns", out var pc) && pc.ValueKind == JsonValueKind.Array)
        {
            foreach (var c in pc.EnumerateArray())
            {
                partitionColumns.Add(c.GetString()!);
            }
        }

        return new MetadataAction(
            Str(e, "id") ?? throw Missing("metaData.id"),
            Str(e, "name"),
            Str(e, "description"),
            format,
            Str(e, "schemaString"),
            partitionColumns,
            Map(e, "configuration") ?? new Dictionary<string, string>(),
            Long(e, "createdTime"));
    }

    private static ProtocolAction ReadProtocol(JsonElement e) => new(
        (int)(Long(e, "minReaderVersion") ?? throw Missing("protocol.minReaderVersion")),
        (int)(Long(e, "minWriterVersion") ?? throw Missing("protocol.minWriterVersion")),
        Strings(e, "readerFeatures"),
        Strings(e, "writerFeatures"));

    private static CommitInfoAction ReadCommitInfo(JsonElement e) => new(
        Long(e, "timestamp"),
        Str(e, "operation"),
        StringifiedMap(e, "operationParameters"),
        StringifiedMap(e, "operationMetrics"),
        Str(e, "engineInfo"),
        Long(e, "inCommitTimestamp"),
        Long(e, "readVersion"),
        Bool(e, "isBlindAppend"),
        Str(e, "txnId"),
        e.GetRawText());

    private static List<string>? Strings(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var a) || a.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var list = new List<string>(a.GetArrayLength());
        foreach (var s in a.EnumerateArray())
        {
            list.Add(s.GetString()!);
        }

        return list;
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? Long(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v))
        {
            return null;
        }

        return v.ValueKind switch
        {
            JsonValueKind.Number => v.GetInt64(),
            JsonValueKind.String => long.Parse(v.GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            _ => null,
        };
    }

    private static bool? Bool(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => null } : null;

    private static Dictionary<string, string>? Map(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var m) || m.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in m.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.String)
            {
                d[p.Name] = p.Value.GetString()!;
            }
        }

        return d;
    }

    private static Dictionary<string, string>? StringifiedMap(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var m) || m.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in m.EnumerateObject())
        {
            d[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
        }

        return d;
    }

    private static Dictionary<string, string?>? NullableMap(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var m) || m.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var d = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var p in m.EnumerateObject())
        {
            d[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.ValueKind == JsonValueKind.Null ? null : p.Value.GetRawText();
        }

        return d;
    }

    private static MissingFieldException Missing(string field) => new($"required field '{field}' is missing");

    private static CorruptCommitException Corrupt(string source, int line, string detail, Exception? inner = null) =>
        new(source, line, detail, inner);
}
