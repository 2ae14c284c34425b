using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Delta.Actions;
using Serverless.Delta.Log;

namespace Serverless.Delta.Schema;

/// <summary>
/// Metadata-only schema changes: add a nullable column; rename and drop under column mapping; widen a type as the
/// typeWidening feature allows; relax a NOT NULL column to nullable (every existing value stays valid; the reverse
/// would need every file checked, so it is not offered). Each returns the new metaData (and protocol when a feature must be added) to stage
/// in a transaction; anything else is refused with the reason.
/// </summary>
public static class SchemaEvolution
{
    /// <summary>The actions one schema change commits; <see cref="Protocol"/> is null when the protocol stays.</summary>
    public sealed record Change(MetadataAction Metadata, ProtocolAction? Protocol);

    /// <summary>
    /// The snapshot as it reads once <paramref name="change"/> is committed (same version and files), so several changes can be
    /// chained and committed as one: each next change is computed on the preview of the ones before it.
    /// </summary>
    public static Snapshot Preview(Snapshot snapshot, Change change)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(change);
        var state = snapshot.State.Clone();
        state.Metadata = change.Metadata;
        if (change.Protocol is not null)
        {
            state.Protocol = change.Protocol;
        }

        return new Snapshot(snapshot.Table, snapshot.Version, state, snapshot.Timestamp);
    }

    public static Change AddColumn(Snapshot snapshot, StructField column)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(column);
        if (snapshot.Schema.FindField(column.Name) is not null)
        {
            throw new DeltaSchemaException($"Column '{column.Name}' already exists (names are case-insensitive).");
        }

        if (!column.Nullable)
        {
            throw new DeltaSchemaException($"Column '{column.Name}' must be nullable: existing files have no values for it, so they would read as nulls in a NOT NULL column.");
        }

        var configuration = new Dictionary<string, string>(snapshot.Metadata.Configuration, StringComparer.Ordinal);
        var field = column;
        if (snapshot.ColumnMapping != ColumnMappingMode.None)
        {
            var maxId = long.Parse(snapshot.Metadata.GetConfiguration("delta.columnMapping.maxColumnId") ?? "0", CultureInfo.InvariantCulture);
            field = DeltaTable.AssignColumnMapping(column, ref maxId);
            configuration["delta.columnMapping.maxColumnId"] = maxId.ToString(CultureInfo.InvariantCulture);
        }

        ProtocolAction? protocol = null;
        if (DeltaTable.ContainsType(column.Type, PrimitiveType.TimestampNtz) && !snapshot.Protocol.HasReaderFeature(TableFeatures.TimestampNtz))
        {
            protocol = WithFeature(snapshot.Protocol, TableFeatures.TimestampNtz);
        }

        return new Change(WithSchema(snapshot, [.. snapshot.Schema.Fields, field], configuration), protocol);
    }

    public static Change RenameColumn(Snapshot snapshot, string from, string to)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        RequireColumnMapping(snapshot, $"rename column '{from}' to '{to}'");
        var field = snapshot.Schema.FindField(from) ?? throw new DeltaSchemaException($"Cannot rename: column '{from}' does not exist.");
        if (!string.Equals(from, to, StringComparison.OrdinalIgnoreCase) && snapshot.Schema.FindField(to) is not null)
        {
            throw new DeltaSchemaException($"Cannot rename '{from}' to '{to}': a column named '{to}' exists.");
        }

        if (snapshot.Metadata.PartitionColumns.Contains(field.Name, StringComparer.OrdinalIgnoreCase))
        {
            throw new DeltaSchemaException($"Cannot rename partition column '{from}'.");
        }

        var fields = snapshot.Schema.Fields.Select(f => ReferenceEquals(f, field) ? f with { Name = to } : f).ToList();
        return new Change(WithSchema(snapshot, fields, snapshot.Metadata.Configuration), null);
    }

    public static Change DropColumn(Snapshot snapshot, string name)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        RequireColumnMapping(snapshot, $"drop column '{name}'");
        var field = snapshot.Schema.FindField(name) ?? throw new DeltaSchemaException($"Cannot drop: column '{name}' does not exist.");
        if (snapshot.Metadata.PartitionColumns.Contains(field.Name, StringComparer.OrdinalIgnoreCase))
        {
            throw new DeltaSchemaException($"Cannot drop partition column '{name}'.");
        }

        if (snapshot.Schema.Fields.Count == 1)
        {
            throw new DeltaSchemaException($"Cannot drop '{name}': it is the table's only column.");
        }

        var fields = snapshot.Schema.Fields.Where(f => !ReferenceEquals(f, field)).ToList();
        return new Change(WithSchema(snapshot, fields, snapshot.Metadata.Configuration), null);
    }

    /// <summary>Makes a NOT NULL column nullable (a no-op change is refused, like any other).</summary>
    public static Change RelaxNullability(Snapshot snapshot, string name)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var field = snapshot.Schema.FindField(name) ?? throw new DeltaSchemaException($"Cannot make '{name}' nullable: the column does not exist.");
        if (field.Nullable)
        {
            throw new DeltaSchemaException($"Column '{name}' is already nullable.");
        }

        var fields = snapshot.Schema.Fields.Select(f => ReferenceEquals(f, field) ? f with { Nullable = true } : f).ToList();
        return new Change(WithSchema(snapshot, fields, snapshot.Metadata.Configuration), null);
    }

    /// <summary>
    /// Widens a column's type (typeWidening feature): byte→short→integer→long, float→double, byte/short/integer→double,
    /// decimal(p,s)→decimal(p+k1,s+k2) with k1 ≥ k2 ≥ 0, byte/short/integer/long→decimal wide enough, date→timestamp_ntz.
    /// Records delta.typeChanges on the field and enables the feature.
    /// </summary>
    public static Change WidenColumn(Snapshot snapshot, string name, DeltaType to)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(to);
        var field = snapshot.Schema.FindField(name) ?? throw new DeltaSchemaException($"Cannot change the type of '{name}': the column does not exist.");
        if (field.Type.Equals(to))
        {
            throw new DeltaSchemaException($"Column '{name}' already has type {to}.");
        }

        if (!IsAllowedWidening(field.Type, to))
        {
            throw new DeltaSchemaException($"Changing column '{name}' from {field.Type} to {to} is not a type widening Delta allows (allowed: byte→short→integer→long, float→double, integral→double, decimal precision/scale increase keeping the integer digits, integral→decimal wide enough, date→timestamp_ntz). Add a new column and backfill it instead.");
        }

        if (snapshot.Metadata.PartitionColumns.Contains(field.Name, StringComparer.OrdinalIgnoreCase))
        {
            throw new DeltaSchemaException($"Cannot change the type of partition column '{name}'.");
        }

        var changes = new JsonArray();
        if (field.Metadata.TryGetValue("delta.typeChanges", out var existing) && JsonNode.Parse(existing.GetRawText()) is JsonArray prior)
        {
            foreach (var item in prior)
            {
                changes.Add(item?.DeepClone());
            }
        }

        changes.Add(new JsonObject { ["fromType"] = field.Type.TypeName, ["toType"] = to.TypeName });
        var widened = field.WithMetadata("delta.typeChanges", JsonSerializer.SerializeToElement(changes)) with { Type = to };
        var fields = snapshot.Schema.Fields.Select(f => ReferenceEquals(f, field) ? widened : f).ToList();
        var configuration = new Dictionary<string, string>(snapshot.Metadata.Configuration, StringComparer.Ordinal) { ["delta.enableTypeWidening"] = "true" };
        var protocol = snapshot.Protocol;
        var protocolChanged = false;
        if (!protocol.HasReaderFeature(TableFeatures.TypeWidening))
        {
            protocol = WithFeature(protocol, TableFeatures.TypeWidening);
            protocolChanged = true;
        }

        if (to.Equals(PrimitiveType.TimestampNtz) && !protocol.HasReaderFeature(TableFeatures.TimestampNtz))
        {
            protocol = WithFeature(protocol, TableFeatures.TimestampNtz);
            protocolChanged = true;
        }

        return new Change(WithSchema(snapshot, fields, configuration), protocolChanged ? protocol : null);
    }

    /// <summary>
    /// A whole new schema for a table whose every data file the same commit removes (a table loaded again from its source):
    /// under column mapping each column gets a new id (counting on from <c>delta.columnMapping.maxColumnId</c>, so no id
    /// is reused) and a new physical name, so nothing of the old files' columns can be read into the new ones; types and
    /// nullability are free (no existing file has to fit them). timestampNtz is enabled when a column needs it.
    /// </summary>
    public static Change ReplaceSchema(Snapshot snapshot, IReadOnlyList<StructField> columns, IReadOnlyDictionary<string, string> configuration)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(configuration);
        if (columns.Count == 0)
        {
            throw new DeltaSchemaException("A table needs at least one column.");
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var c in columns)
        {
            if (!names.Add(c.Name))
            {
                throw new DeltaSchemaException($"Column name '{c.Name}' appears twice (Delta column names are case-insensitive).");
            }
        }

        foreach (var p in snapshot.Metadata.PartitionColumns)
        {
            if (!names.Contains(p))
            {
                throw new DeltaSchemaException($"Partition column '{p}' is not one of the new schema's columns.");
            }
        }

        var settings = new Dictionary<string, string>(configuration, StringComparer.Ordinal);
        var fields = columns;
        if (snapshot.ColumnMapping != ColumnMappingMode.None)
        {
            var maxId = long.Parse(snapshot.Metadata.GetConfiguration("delta.columnMapping.maxColumnId") ?? "0", CultureInfo.InvariantCulture);
            fields = columns.Select(c => DeltaTable.AssignColumnMapping(WithoutColumnMapping(c), ref maxId)).ToList();
            settings["delta.columnMapping.maxColumnId"] = maxId.ToString(CultureInfo.InvariantCulture);
        }

        ProtocolAction? protocol = null;
        if (columns.Any(c => DeltaTable.ContainsType(c.Type, PrimitiveType.TimestampNtz)) && !snapshot.Protocol.HasReaderFeature(TableFeatures.TimestampNtz))
        {
            protocol = WithFeature(snapshot.Protocol, TableFeatures.TimestampNtz);
        }

        return new Change(snapshot.Metadata with { SchemaString = SchemaJson.Serialize(new StructType(fields)), Configuration = settings }, protocol);
    }

    public static bool IsAllowedWidening(DeltaType from, DeltaType to)
    {
        static int IntegralRank(DeltaType t) =>
            t.Equals(PrimitiveType.Byte) ? 1 : t.Equals(PrimitiveType.Short) ? 2 : t.Equals(PrimitiveType.Integer) ? 3 : t.Equals(PrimitiveType.Long) ? 4 : 0;

        var fromRank = IntegralRank(from);
        var toRank = IntegralRank(to);
        if (fromRank > 0 && toRank > fromRank)
        {
            return true;
        }

        if (from.Equals(PrimitiveType.Float) && to.Equals(PrimitiveType.Double))
        {
            return true;
        }

        if (fromRank is > 0 and < 4 && to.Equals(PrimitiveType.Double))
        {
            return true;
        }

        if (from.Equals(PrimitiveType.Date) && to.Equals(PrimitiveType.TimestampNtz))
        {
            return true;
        }

        if (from is DecimalType fd && to is DecimalType td)
        {
            var k1 = td.Precision - fd.Precision;
            var k2 = td.Scale - fd.Scale;
            return k2 >= 0 && k1 >= k2 && (k1 > 0 || k2 > 0);
        }

        if (fromRank > 0 && to is DecimalType d)
        {
            var digits = fromRank switch { 1 => 3, 2 => 5, 3 => 10, _ => 20 };
            return d.Precision - d.Scale >= digits;
        }

        return false;
    }

    /// <summary>The field without column-mapping ids and physical names (nested too), as a new column to be numbered.</summary>
    private static StructField WithoutColumnMapping(StructField field)
    {
        var type = field.Type is StructType s ? new StructType(s.Fields.Select(WithoutColumnMapping).ToList()) : field.Type;
        if (!field.Metadata.ContainsKey(StructField.ColumnMappingIdKey) && !field.Metadata.ContainsKey(StructField.PhysicalNameKey) && ReferenceEquals(type, field.Type))
        {
            return field;
        }

        var metadata = field.Metadata.Where(m => m.Key != StructField.ColumnMappingIdKey && m.Key != StructField.PhysicalNameKey).ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
        return field with { Type = type, Metadata = metadata };
    }

    private static void RequireColumnMapping(Snapshot snapshot, string what)
    {
        if (snapshot.ColumnMapping == ColumnMappingMode.None)
        {
            throw new DeltaSchemaException($"Cannot {what}: renames and drops are metadata-only only under column mapping, and this table has delta.columnMapping.mode=none. Create the table in the default mode (column mapping by name) or rewrite it.");
        }
    }

    private static MetadataAction WithSchema(Snapshot snapshot, IReadOnlyList<StructField> fields, IReadOnlyDictionary<string, string> configuration) =>
        snapshot.Metadata with { SchemaString = SchemaJson.Serialize(new StructType(fields)), Configuration = configuration };

    private static ProtocolAction WithFeature(ProtocolAction protocol, string feature)
    {
        var readers = new List<string>(protocol.ReaderFeatures ?? []);
        var writers = new List<string>(protocol.WriterFeatures ?? []);
        if (protocol.MinWriterVersion < 7)
        {
            // Moving a legacy protocol to table features must list the features its versions implied.
            if (protocol.MinWriterVersion >= 2)
            {
                writers.AddRange([TableFeatures.AppendOnly, TableFeatures.Invariants]);
            }
        }

        if (!readers.Contains(feature))
        {
            readers.Add(feature);
        }

        if (!writers.Contains(feature))
        {
            writers.Add(feature);
        }

        return new ProtocolAction(3, 7, readers, writers);
    }
}
