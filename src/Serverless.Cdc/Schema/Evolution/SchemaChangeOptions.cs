using Serverless.Cdc.Jobs;
using Serverless.Delta;

namespace Serverless.Cdc.Schema.Evolution;

/// <summary>What <see cref="SchemaChangeEvolver"/> needs of the job and the lake.</summary>
public sealed record SchemaChangeOptions
{
    public SchemaChangeBehavior Behavior { get; init; } = SchemaChangeBehavior.Evolve;

    /// <summary>The lake table of a source table, by (database, table): where a table created mid-stream is made.</summary>
    public required Func<string, string, TableLocation> LakeLocation { get; init; }

    /// <summary>The job's tables: tells a table renamed to a name the job also captures from one that leaves the job. Null: every name is the job's.</summary>
    public TableSelection? Tables { get; init; }

    public TypeMappingOptions TypeMapping { get; init; } = new();

    /// <summary>New tables get <c>_cdc_deleted</c> (deletes are kept as marked rows).</summary>
    public bool SoftDelete { get; init; }

    /// <summary>How new lake tables are set up (merge-on-read with column mapping, or copy-on-write for older readers).</summary>
    public TableProtocolMode NewTableMode { get; init; } = TableProtocolMode.Default;

    /// <summary>The job's key overrides by <c>db.table</c>, for tables created mid-stream.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> KeyOverrides { get; init; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);

    /// <summary>Names the job in new lake tables' descriptions.</summary>
    public string JobName { get; init; } = string.Empty;

    /// <summary>The options of <paramref name="spec"/>'s job, with its lake tables where <paramref name="lakeLocation"/> puts them.</summary>
    public static SchemaChangeOptions ForJob(JobSpec spec, Func<string, string, TableLocation> lakeLocation)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new SchemaChangeOptions
        {
            Behavior = spec.SchemaChanges,
            LakeLocation = lakeLocation,
            Tables = spec.Tables,
            TypeMapping = spec.Types,
            SoftDelete = spec.Target.SoftDelete,
            NewTableMode = spec.Target.WriteMode == WriteMode.CopyOnWrite ? TableProtocolMode.CopyOnWrite : TableProtocolMode.Default,
            KeyOverrides = spec.KeyOverrides,
            JobName = spec.Name,
        };
    }
}
