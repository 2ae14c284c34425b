using System.Text.Json;
using DeltaSnapshot = Serverless.Delta.Log.Snapshot;

namespace Serverless.Cdc.Schema.Evolution;

/// <summary>
/// The source schema a lake table's rows follow after the last DDL applied to it, kept in the table itself (the table
/// property <see cref="Property"/>, JSON of the <see cref="SourceTable"/>, written in the same commit as the DDL's lake
/// change). A restarted writer maps the table by it, not by the source's schema of today, because the change log it
/// resumes from holds the rows that followed that DDL (and the later DDLs that move the mapping on, in order).
/// </summary>
public static class LakeSourceSchema
{
    public const string Property = "serverless.cdc.sourceSchema";

    /// <summary>The txn appId of the partition writer whose DDL commit recorded the schema (empty when not known).</summary>
    public const string WriterProperty = "serverless.cdc.ddlWriter";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The recorded source schema, or null when no DDL was applied to the table yet.</summary>
    public static SourceTable? Read(DeltaSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var text = snapshot.Metadata.GetConfiguration(Property);
        return text is null ? null : JsonSerializer.Deserialize<SourceTable>(text, Json);
    }

    /// <summary>
    /// The recorded source schema if the writer <paramref name="appId"/> may map the table by it when it opens: it recorded
    /// it itself (or no writer is named). Another writer of a spread table may still have rows of the schema before.
    /// </summary>
    public static SourceTable? ReadFor(DeltaSnapshot snapshot, string appId)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return AppliedBy(snapshot, appId) ? Read(snapshot) : null;
    }

    /// <summary>Whether the last DDL recorded in the table was applied by the writer <paramref name="appId"/> (or no writer is named).</summary>
    public static bool AppliedBy(DeltaSnapshot snapshot, string appId)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var writer = snapshot.Metadata.GetConfiguration(WriterProperty);
        return string.IsNullOrEmpty(writer) || string.Equals(writer, appId, StringComparison.Ordinal);
    }

    public static string Write(SourceTable table) => JsonSerializer.Serialize(table, Json);
}
