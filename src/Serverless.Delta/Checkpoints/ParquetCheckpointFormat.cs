using System.Globalization;
using Serverless.Delta.Actions;
using Serverless.Delta.Log;
using Serverless.Parquet.Format;
using Serverless.Storage;

namespace Serverless.Delta.Checkpoints;

/// <summary>
/// Classic Parquet checkpoints (PROTOCOL.md, Checkpoint Schema): one row per action with the columns txn, add,
/// remove, metaData, protocol and domainMetadata. Reads single-part and multi-part checkpoints written by any
/// engine (unknown columns ignored); writes single-part checkpoints.
/// </summary>
public sealed class ParquetCheckpointFormat : ICheckpointFormat
{
    public static ParquetCheckpointFormat Instance { get; } = new();

    public async Task<IReadOnlyList<DeltaAction>> ReadAsync(TableLocation table, string storePath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var bytes = await table.Store.GetAsync(storePath, cancellationToken).ConfigureAwait(false);
        return Parse(bytes, storePath);
    }

    public async Task<LastCheckpoint> WriteAsync(Snapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var (bytes, actions, adds) = Build(snapshot, DateTimeOffset.UtcNow);
        var path = snapshot.Table.CheckpointPath(snapshot.Version);
        try
        {
            await snapshot.Table.Store.PutIfAbsentAsync(path, bytes, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectAlreadyExistsException)
        {
            // Another writer checkpointed this version; checkpoints of one version hold the same state.
        }

        return new LastCheckpoint(snapshot.Version, actions, null, bytes.Length, adds);
    }

    /// <summary>The checkpoint bytes of a snapshot and how many actions and add actions it holds.</summary>
    internal static (byte[] Bytes, long Actions, long Adds) Build(Snapshot snapshot, DateTimeOffset now)
    {
        var actions = CheckpointActions(snapshot, now);
        return (Encode(actions), actions.Count, actions.Count(a => a is AddFile));
    }

    /// <summary>The actions a checkpoint of <paramref name="snapshot"/> holds: protocol, metaData, txns, domains, live files, unexpired tombstones.</summary>
    internal static List<DeltaAction> CheckpointActions(Snapshot snapshot, DateTimeOffset now)
    {
        var actions = new List<DeltaAction> { snapshot.Protocol, snapshot.Metadata };
        actions.AddRange(snapshot.AppTransactions.Values.OrderBy(t => t.AppId, StringComparer.Ordinal));
        actions.AddRange(snapshot.DomainMetadata.Values);
        actions.AddRange(snapshot.Files.OrderBy(f => f.Path, StringComparer.Ordinal).Select(f => f with { DataChange = false }));

        // Tombstones past the retention are only for vacuum; keep the ones inside it (PROTOCOL.md: expired ones may be dropped).
        var retention = RetentionOf(snapshot.Metadata.GetConfiguration("delta.deletedFileRetentionDuration")) ?? TimeSpan.FromDays(7);
        var cutoff = (now - retention).ToUnixTimeMilliseconds();
        actions.AddRange(snapshot.Tombstones.Where(r => r.DeletionTimestamp is not { } ts || ts >= cutoff).OrderBy(r => r.Path, StringComparer.Ordinal).Select(r => r with { DataChange = false }));
        return actions;
    }

    /// <summary>Encodes actions as one checkpoint file (or one part of a multi-part checkpoint); v1 data pages unless told.</summary>
    internal static byte[] Encode(IEnumerable<DeltaAction> actions, bool dataPageV2 = false)
    {
        var writer = new NestedParquetWriter(Schema(), dataPageV2);
        void Row(string column, IReadOnlyDictionary<string, object?> value) => writer.AddRow(new Dictionary<string, object?> { [column] = value });
        foreach (var action in actions)
        {
            switch (action)
            {
                case ProtocolAction p:
                    Row("protocol", new Dictionary<string, object?>
                    {
                        ["minReaderVersion"] = p.MinReaderVersion,
                        ["minWriterVersion"] = p.MinWriterVersion,
                        ["readerFeatures"] = p.MinReaderVersion >= 3 ? p.ReaderFeatures ?? [] : null,
                        ["writerFeatures"] = p.MinWriterVersion >= 7 ? p.WriterFeatures ?? [] : null,
                    });
                    break;
                case MetadataAction m:
                    Row("metaData", new Dictionary<string, object?>
                    {
                        ["id"] = m.Id,
                        ["name"] = m.Name,
                        ["description"] = m.Description,
                        ["format"] = new Dictionary<string, object?> { ["provider"] = m.Format.Provider, ["options"] = m.Format.Options.Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value)) },
                        ["schemaString"] = m.SchemaString,
                        ["partitionColumns"] = m.PartitionColumns,
                        ["configuration"] = m.Configuration.Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value)),
                        ["createdTime"] = m.CreatedTime,
                    });
                    break;
                case TransactionAction t:
                    Row("txn", new Dictionary<string, object?> { ["appId"] = t.AppId, ["version"] = t.Version, ["lastUpdated"] = t.LastUpdated });
                    break;
                case DomainMetadataAction d:
                    Row("domainMetadata", new Dictionary<string, object?> { ["domain"] = d.Domain, ["configuration"] = d.Configuration, ["removed"] = d.Removed });
                    break;
                case AddFile a:
                    Row("add", new Dictionary<string, object?>
                    {
                        ["path"] = a.Path,
                        ["partitionValues"] = a.PartitionValues,
                        ["size"] = a.Size,
                        ["modificationTime"] = a.ModificationTime,
                        ["dataChange"] = a.DataChange,
                        ["stats"] = a.Stats,
                        ["tags"] = a.Tags,
                        ["deletionVector"] = Dv(a.DeletionVector),
                        ["baseRowId"] = a.BaseRowId,
                        ["defaultRowCommitVersion"] = a.DefaultRowCommitVersion,
                    });
                    break;
                case RemoveFile r:
                    Row("remove", new Dictionary<string, object?>
                    {
                        ["path"] = r.Path,
                        ["deletionTimestamp"] = r.DeletionTimestamp,
                        ["dataChange"] = r.DataChange,
                        ["extendedFileMetadata"] = r.ExtendedFileMetadata,
                        ["partitionValues"] = r.PartitionValues,
                        ["size"] = r.Size,
                        ["deletionVector"] = Dv(r.DeletionVector),
                        ["baseRowId"] = r.BaseRowId,
                        ["defaultRowCommitVersion"] = r.DefaultRowCommitVersion,
                    });
                    break;
            }
        }

        return writer.Complete("Serverless.Delta checkpoint writer");
    }

    internal static IReadOnlyList<DeltaAction> Parse(byte[] bytes, string source)
    {
        var (root, leaves, rows) = NestedParquetReader.Read(bytes, source);
        if (rows > int.MaxValue)
        {
            throw new FormatException($"{source} holds {rows} rows; a single checkpoint part this large is not supported.");
        }

        var view = new CheckpointRows(root, leaves);
        if (root.Child("sidecar") is not null && view.Present("sidecar", 0, (int)rows, out var sidecarRow))
        {
            throw new DeltaLogException($"Checkpoint {source} refers to sidecar files (row {sidecarRow}); this is a V2 checkpoint, which this library does not read.");
        }

        var result = new List<DeltaAction>((int)rows);
        for (var r = 0; r < rows; r++)
        {
            if (view.Has("add", r))
            {
                result.Add(new AddFile(
                    view.Str("add.path", r)!,
                    view.Map("add.partitionValues", r) ?? new Dictionary<string, string?>(),
                    view.Long("add.size", r) ?? 0,
                    view.Long("add.modificationTime", r) ?? 0,
                    view.Bool("add.dataChange", r) ?? false,
                    view.Str("add.stats", r) ?? StatsFromStruct(view, root.Child("add")?.Child("stats_parsed"), r),
                    view.Map("add.tags", r),
                    ReadDv(view, "add.deletionVector", r),
                    view.Long("add.baseRowId", r),
                    view.Long("add.defaultRowCommitVersion", r)));
            }
            else if (view.Has("remove", r))
            {
                result.Add(new RemoveFile(
                    view.Str("remove.path", r)!,
                    view.Long("remove.deletionTimestamp", r),
                    view.Bool("remove.dataChange", r) ?? false,
                    view.Bool("remove.extendedFileMetadata", r),
                    view.Map("remove.partitionValues", r),
                    view.Long("remove.size", r),
                    null,
                    view.Map("remove.tags", r),
                    ReadDv(view, "remove.deletionVector", r),
                    view.Long("remove.baseRowId", r),
                    view.Long("remove.defaultRowCommitVersion", r)));
            }
            else if (view.Has("metaData", r))
            {
                result.Add(new MetadataAction(
                    view.Str("metaData.id", r)!,
                    view.Str("metaData.name", r),
                    view.Str("metaData.description", r),
                    new FileFormat(view.Str("metaData.format.provider", r) ?? "parquet", (view.Map("metaData.format.options", r) ?? new Dictionary<string, string?>()).ToDictionary(kv => kv.Key, kv => kv.Value ?? string.Empty)),
                    view.Str("metaData.schemaString", r),
                    view.List("metaData.partitionColumns", r) ?? [],
                    (view.Map("metaData.configuration", r) ?? new Dictionary<string, string?>()).Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value!),
                    view.Long("metaData.createdTime", r)));
            }
            else if (view.Has("protocol", r))
            {
                result.Add(new ProtocolAction(
                    (int)(view.Long("protocol.minReaderVersion", r) ?? 1),
                    (int)(view.Long("protocol.minWriterVersion", r) ?? 2),
                    view.List("protocol.readerFeatures", r),
                    view.List("protocol.writerFeatures", r)));
            }
            else if (view.Has("txn", r))
            {
                result.Add(new TransactionAction(view.Str("txn.appId", r)!, view.Long("txn.version", r) ?? 0, view.Long("txn.lastUpdated", r)));
            }
            else if (view.Has("domainMetadata", r))
            {
                result.Add(new DomainMetadataAction(view.Str("domainMetadata.domain", r)!, view.Str("domainMetadata.configuration", r) ?? string.Empty, view.Bool("domainMetadata.removed", r) ?? false));
            }
        }

        return result;
    }

    /// <summary>Rebuilds the stats JSON from add.stats_parsed when a writer stored statistics only as a struct.</summary>
    private static string? StatsFromStruct(CheckpointRows view, ParquetNode? stats, int row)
    {
        if (stats is null || !view.Has(stats.Path, row))
        {
            return null;
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var w = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            WriteStatsNode(w, view, stats, row);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteStatsNode(System.Text.Json.Utf8JsonWriter w, CheckpointRows view, ParquetNode node, int row)
    {
        w.WriteStartObject();
        foreach (var child in node.Children)
        {
            if (!child.IsLeaf)
            {
                if (view.Has(child.Path, row))
                {
                    w.WritePropertyName(child.Name);
                    WriteStatsNode(w, view, child, row);
                }

                continue;
            }

            switch (view.Value(child.Path, row))
            {
                case null:
                    break;
                case long l when child.ConvertedType == ConvertedType.Date:
                    w.WriteString(child.Name, DateOnly.FromDayNumber(DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber + (int)l).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                    break;
                case long l when child.ConvertedType is ConvertedType.TimestampMillis or ConvertedType.TimestampMicros:
                    var ticks = child.ConvertedType == ConvertedType.TimestampMillis ? l * TimeSpan.TicksPerMillisecond : l * 10;
                    w.WriteString(child.Name, DateTime.UnixEpoch.AddTicks(ticks).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                    break;
                case long when child.ConvertedType == ConvertedType.Decimal:
                    // A decimal's scale is not kept here; leaving the bound out only weakens pruning.
                    break;
                case long l:
                    w.WriteNumber(child.Name, l);
                    break;
                case double d when double.IsFinite(d):
                    w.WriteNumber(child.Name, d);
                    break;
                case bool b:
                    w.WriteBoolean(child.Name, b);
                    break;
                case string str:
                    w.WriteString(child.Name, str);
                    break;
            }
        }

        w.WriteEndObject();
    }

    private static Dictionary<string, object?>? Dv(DeletionVectorDescriptor? dv) => dv is null ? null : new Dictionary<string, object?>
    {
        ["storageType"] = dv.StorageType,
        ["pathOrInlineDv"] = dv.PathOrInlineDv,
        ["offset"] = dv.Offset,
        ["sizeInBytes"] = dv.SizeInBytes,
        ["cardinality"] = dv.Cardinality,
    };

    private static DeletionVectorDescriptor? ReadDv(CheckpointRows view, string path, int r) =>
        view.Has(path, r) && view.Str(path + ".storageType", r) is { } type
            ? new DeletionVectorDescriptor(
                type,
                view.Str(path + ".pathOrInlineDv", r)!,
                view.Long(path + ".offset", r) is { } o ? (int)o : null,
                (int)(view.Long(path + ".sizeInBytes", r) ?? 0),
                view.Long(path + ".cardinality", r) ?? 0)
            : null;

    /// <summary>Parses Delta interval strings like "interval 7 days" / "interval 1 hours".</summary>
    internal static TimeSpan? RetentionOf(string? interval)
    {
        if (string.IsNullOrWhiteSpace(interval))
        {
            return null;
        }

        var parts = interval.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 3 && parts[0].Equals("interval", StringComparison.OrdinalIgnoreCase) && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
        {
            return parts[2].ToLowerInvariant().TrimEnd('s') switch
            {
                "second" => TimeSpan.FromSeconds(n),
                "minute" => TimeSpan.FromMinutes(n),
                "hour" => TimeSpan.FromHours(n),
                "day" => TimeSpan.FromDays(n),
                "week" => TimeSpan.FromDays(7 * n),
                _ => null,
            };
        }

        return null;
    }

    private static ParquetNode Schema()
    {
        ParquetNode DvNode() => ParquetNode.Group(
            "deletionVector",
            ParquetNode.String("storageType"),
            ParquetNode.String("pathOrInlineDv"),
            ParquetNode.Int("offset"),
            ParquetNode.Int("sizeInBytes"),
            ParquetNode.Long("cardinality"));

        return new ParquetNode("spark_schema", ParquetNode.Required, null, null,
        [
            ParquetNode.Group("txn", ParquetNode.String("appId"), ParquetNode.Long("version"), ParquetNode.Long("lastUpdated")),
            ParquetNode.Group(
                "add",
                ParquetNode.String("path"),
                ParquetNode.StringMap("partitionValues"),
                ParquetNode.Long("size"),
                ParquetNode.Long("modificationTime"),
                ParquetNode.Bool("dataChange"),
                ParquetNode.String("stats"),
                ParquetNode.StringMap("tags"),
                DvNode(),
                ParquetNode.Long("baseRowId"),
                ParquetNode.Long("defaultRowCommitVersion")),
            ParquetNode.Group(
                "remove",
                ParquetNode.String("path"),
                ParquetNode.Long("deletionTimestamp"),
                ParquetNode.Bool("dataChange"),
                ParquetNode.Bool("extendedFileMetadata"),
                ParquetNode.StringMap("partitionValues"),
                ParquetNode.Long("size"),
                DvNode(),
                ParquetNode.Long("baseRowId"),
                ParquetNode.Long("defaultRowCommitVersion")),
            ParquetNode.Group(
                "metaData",
                ParquetNode.String("id"),
                ParquetNode.String("name"),
                ParquetNode.String("description"),
                ParquetNode.Group("format", ParquetNode.String("provider"), ParquetNode.StringMap("options")),
                ParquetNode.String("schemaString"),
                ParquetNode.StringList("partitionColumns"),
                ParquetNode.StringMap("configuration"),
                ParquetNode.Long("createdTime")),
            ParquetNode.Group(
                "protocol",
                ParquetNode.Int("minReaderVersion"),
                ParquetNode.Int("minWriterVersion"),
                ParquetNode.StringList("readerFeatures"),
                ParquetNode.StringList("writerFeatures")),
            ParquetNode.Group("domainMetadata", ParquetNode.String("domain"), ParquetNode.String("configuration"), ParquetNode.Bool("removed")),
        ]);
    }
}
