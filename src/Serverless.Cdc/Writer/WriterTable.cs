using Serverless.Cdc.Jobs;
using Serverless.Cdc.Schema;
using Serverless.Delta;

namespace Serverless.Cdc.Writer;

/// <summary>
/// A source table a partition writer applies changes to: its mapping (the schema version its row images follow), the open
/// lake table and the job's type options. A writer owns its tables' lake commits (partitioning gives every table one
/// writer), so <see cref="Lake"/> is used by the writer alone while it runs.
/// </summary>
public sealed record WriterTable(TableMapping Mapping, DeltaTable Lake)
{
    public TypeMappingOptions? TypeMapping { get; init; }

    /// <summary>The source schema version <see cref="Mapping"/> follows (a DDL event's version once a DDL moved it on), or null when not known.</summary>
    public long? SchemaVersion { get; init; }

    /// <summary>
    /// The txn appId of the partition writer that writes the table (the writer sets it). A DDL commit records it, so that
    /// after a restart only the writer that applied the DDL maps the table by the schema recorded with it.
    /// </summary>
    public string? WriterAppId { get; init; }

    /// <summary><c>db.table</c>.</summary>
    public string QualifiedName => Mapping.Table.QualifiedName;
}
