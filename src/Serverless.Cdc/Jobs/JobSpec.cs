using System.Text.Json.Serialization;

namespace Serverless.Cdc.Jobs;

/// <summary>
/// One replication job: where the rows come from, which tables, where the lake is and how tables are snapshotted and
/// written. Loaded and validated by <see cref="JobSpecLoader"/>; the JSON form is documented in docs/job-spec.md.
/// </summary>
public sealed record JobSpec
{
    /// <summary>The job's name: names state, logs and the capture's Event Hubs stream.</summary>
    public required string Name { get; init; }

    public required SourceSpec Source { get; init; }

    public required TableSelection Tables { get; init; }

    public required TargetSpec Target { get; init; }

    /// <summary>Key columns to use for tables without a primary key or unique not-null key, by <c>db.table</c>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> KeyOverrides { get; init; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);

    public SnapshotSpec Snapshot { get; init; } = new();

    public TypeMappingOptions Types { get; init; } = new();

    /// <summary>What writers do with DDL from the binlog (<c>schemaChanges</c>).</summary>
    public SchemaChangeBehavior SchemaChanges { get; init; } = SchemaChangeBehavior.Evolve;

    public StreamSpec Stream { get; init; } = new();

    /// <summary>The key columns configured for <paramref name="qualifiedTable"/> (<c>db.table</c>), or null.</summary>
    public IReadOnlyList<string>? KeyOverrideFor(string qualifiedTable) =>
        KeyOverrides.TryGetValue(qualifiedTable, out var columns) ? columns : null;
}

/// <summary>The MySQL or MariaDB server to replicate from.</summary>
public sealed record SourceSpec
{
    public required string Host { get; init; }

    public int Port { get; init; } = 3306;

    public required string User { get; init; }

    /// <summary>A secret reference (<c>env:NAME</c>, <c>file:PATH</c>, <c>literal:TEXT</c>) or the password itself.</summary>
    [JsonIgnore]
    public SecretReference Password { get; init; } = SecretReference.None;

    public SourceTlsMode Tls { get; init; } = SourceTlsMode.Preferred;

    /// <summary>A PEM or DER CA certificate for <see cref="SourceTlsMode.VerifyCa"/> / <see cref="SourceTlsMode.VerifyFull"/>.</summary>
    public string? TlsCaCertificatePath { get; init; }
}

public enum SourceTlsMode
{
    Disabled,
    Preferred,
    Required,
    VerifyCa,
    VerifyFull,
}

/// <summary>Which tables of the source replicate, as glob patterns over <c>db.table</c>.</summary>
public sealed record TableSelection
{
    public required IReadOnlyList<TablePattern> Include { get; init; }

    public IReadOnlyList<TablePattern> Exclude { get; init; } = [];

    /// <summary>True when <paramref name="database"/>.<paramref name="table"/> matches an include and no exclude pattern.</summary>
    public bool Matches(string database, string table)
    {
        var included = false;
        foreach (var p in Include)
        {
            if (p.Matches(database, table))
            {
                included = true;
                break;
            }
        }

        if (!included)
        {
            return false;
        }

        foreach (var p in Exclude)
        {
            if (p.Matches(database, table))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>The lake: its root, how source tables are named there and how changes are written.</summary>
public sealed record TargetSpec
{
    /// <summary>A local folder, file:// URI, Blob container URL or storage connection string (see ObjectStoreLocation).</summary>
    public required string Root { get; init; }

    public TableNaming Naming { get; init; } = new();

    public WriteMode WriteMode { get; init; } = WriteMode.MergeOnRead;

    /// <summary>Deletes become rows with <c>_cdc_deleted = true</c> instead of removing the row.</summary>
    public bool SoftDelete { get; init; }
}

public enum WriteMode
{
    /// <summary>Superseded rows are marked in deletion vectors (Delta reader 3 / writer 7).</summary>
    MergeOnRead,

    /// <summary>Files holding superseded rows are rewritten (Delta reader 1 / writer 2, for older readers).</summary>
    CopyOnWrite,
}

/// <summary>
/// Lake table names: <c>{prefix}{db}_{table}{suffix}</c>, or the rename map's entry for <c>db.table</c> as given
/// (prefix and suffix are not applied to renamed tables).
/// </summary>
public sealed record TableNaming
{
    public string Prefix { get; init; } = string.Empty;

    public string Suffix { get; init; } = string.Empty;

    public IReadOnlyDictionary<string, string> Rename { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public string LakeTableName(string database, string table) =>
        Rename.TryGetValue(database + "." + table, out var renamed) ? renamed : Prefix + database + "_" + table + Suffix;
}

/// <summary>How the initial snapshot reads the source.</summary>
public sealed record SnapshotSpec
{
    /// <summary>Chunks read at once, over all tables.</summary>
    public int Parallelism { get; init; } = 4;

    /// <summary>
    /// Target rows per chunk: the fewest a chunk is planned with when <see cref="ChunkBytes"/> is on, else exactly this
    /// many. Each chunk costs a connection, a read view and an orchestration step: 250,000 was the fastest setting
    /// measured on 10-column rows (bench/results/snapshot.md).
    /// </summary>
    public long ChunkRows { get; init; } = 250_000;

    /// <summary>
    /// Bytes of row data a chunk is planned to hold, by the table's average row size: a table of narrow rows gets
    /// fewer, larger chunks (36-byte rows: about 930,000 a chunk instead of 250,000), since every chunk costs the same
    /// however small its rows. 10-column rows of ~140 bytes stay at <see cref="ChunkRows"/>. A reader holds one row
    /// group whatever the chunk's size, so memory does not grow with it. 0 plans exactly <see cref="ChunkRows"/> rows;
    /// a spec that sets <c>chunkRows</c> without <c>chunkBytes</c> gets 0, so a tuned row count keeps its meaning.
    /// </summary>
    public long ChunkBytes { get; init; } = DefaultChunkBytes;

    public const long DefaultChunkBytes = 32L * 1024 * 1024;

    /// <summary>Parquet files are rolled once they reach about this size.</summary>
    public long TargetFileBytes { get; init; } = 128L * 1024 * 1024;

    /// <summary>The read rate assumed when estimating snapshot time for the binlog retention check.</summary>
    public long EstimatedBytesPerSecond { get; init; } = 20L * 1024 * 1024;
}

/// <summary>How changes stream after the snapshot: the change log between capture and the writers.</summary>
public sealed record StreamSpec
{
    /// <summary>Partitions of the change log, one writer each; a table's changes all go to one partition. Fixed once the log exists.</summary>
    public int Partitions { get; init; } = 4;
}
