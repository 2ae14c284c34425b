namespace Serverless.Delta.Actions;

/// <summary>One line of a commit file (or one row of a checkpoint): exactly one action.</summary>
public abstract record DeltaAction;

/// <summary>protocol: the reader/writer versions and, at reader 3 / writer 7, the table features.</summary>
public sealed record ProtocolAction(
    int MinReaderVersion,
    int MinWriterVersion,
    IReadOnlyList<string>? ReaderFeatures = null,
    IReadOnlyList<string>? WriterFeatures = null) : DeltaAction
{
    public bool HasReaderFeature(string feature) => ReaderFeatures?.Contains(feature) == true;

    public bool HasWriterFeature(string feature) => WriterFeatures?.Contains(feature) == true;

    public bool Equals(ProtocolAction? other) =>
        other is not null
        && MinReaderVersion == other.MinReaderVersion
        && MinWriterVersion == other.MinWriterVersion
        && SameSet(ReaderFeatures, other.ReaderFeatures)
        && SameSet(WriterFeatures, other.WriterFeatures);

    public override int GetHashCode() => HashCode.Combine(MinReaderVersion, MinWriterVersion);

    private static bool SameSet(IReadOnlyList<string>? a, IReadOnlyList<string>? b) =>
        (a is null || a.Count == 0) ? (b is null || b.Count == 0) : b is not null && a.Order(StringComparer.Ordinal).SequenceEqual(b.Order(StringComparer.Ordinal));
}

/// <summary>metaData.format.</summary>
public sealed record FileFormat(string Provider, IReadOnlyDictionary<string, string> Options)
{
    public static FileFormat Parquet { get; } = new("parquet", new Dictionary<string, string>());
}

/// <summary>
/// metaData: table id, schema, partition columns and configuration. PROTOCOL.md requires schemaString, yet Delta Live
/// Tables writes a first commit whose metaData lacks it and puts the schema in a later one; such an action is kept
/// with a null <see cref="SchemaString"/>, and only a snapshot whose metaData in effect lacks it is refused.
/// </summary>
public sealed record MetadataAction(
    string Id,
    string? Name,
    string? Description,
    FileFormat Format,
    string? SchemaString,
    IReadOnlyList<string> PartitionColumns,
    IReadOnlyDictionary<string, string> Configuration,
    long? CreatedTime) : DeltaAction
{
    public string? GetConfiguration(string key) => Configuration.TryGetValue(key, out var v) ? v : null;
}

/// <summary>add: a logical file enters the table (optionally with a deletion vector hiding some of its rows).</summary>
public sealed record AddFile(
    string Path,
    IReadOnlyDictionary<string, string?> PartitionValues,
    long Size,
    long ModificationTime,
    bool DataChange,
    string? Stats = null,
    IReadOnlyDictionary<string, string?>? Tags = null,
    DeletionVectorDescriptor? DeletionVector = null,
    long? BaseRowId = null,
    long? DefaultRowCommitVersion = null,
    string? ClusteringProvider = null) : DeltaAction
{
    /// <summary>The reconciliation key: (decoded path, DV unique id).</summary>
    public FileKey Key => new(DeltaPath.Decode(Path), DeletionVector?.UniqueId);

    /// <summary>A remove action that takes this logical file out of the table, carrying its extended metadata.</summary>
    public RemoveFile ToRemove(long deletionTimestamp, bool dataChange = true) =>
        new(Path, deletionTimestamp, dataChange, true, PartitionValues, Size, Stats, Tags, DeletionVector, BaseRowId, DefaultRowCommitVersion);
}

/// <summary>remove: a logical file leaves the table; kept as a tombstone for vacuum.</summary>
public sealed record RemoveFile(
    string Path,
    long? DeletionTimestamp,
    bool DataChange,
    bool? ExtendedFileMetadata = null,
    IReadOnlyDictionary<string, string?>? PartitionValues = null,
    long? Size = null,
    string? Stats = null,
    IReadOnlyDictionary<string, string?>? Tags = null,
    DeletionVectorDescriptor? DeletionVector = null,
    long? BaseRowId = null,
    long? DefaultRowCommitVersion = null) : DeltaAction
{
    public FileKey Key => new(DeltaPath.Decode(Path), DeletionVector?.UniqueId);
}

/// <summary>txn: the latest version an application committed, for exactly-once writes.</summary>
public sealed record TransactionAction(string AppId, long Version, long? LastUpdated) : DeltaAction;

/// <summary>commitInfo: free-form provenance. The typed fields are the ones this library reads or writes; <see cref="RawJson"/> keeps the rest.</summary>
public sealed record CommitInfoAction(
    long? Timestamp,
    string? Operation,
    IReadOnlyDictionary<string, string>? OperationParameters,
    IReadOnlyDictionary<string, string>? OperationMetrics,
    string? EngineInfo,
    long? InCommitTimestamp,
    long? ReadVersion,
    bool? IsBlindAppend,
    string? TxnId,
    string? RawJson = null) : DeltaAction;

/// <summary>cdc: a change-data file of this version; tolerated and kept, never interpreted here.</summary>
public sealed record AddCdcFile(string Path, IReadOnlyDictionary<string, string?> PartitionValues, long Size, bool DataChange) : DeltaAction;

/// <summary>domainMetadata: per-domain configuration; the latest per domain wins, removed when <see cref="Removed"/>.</summary>
public sealed record DomainMetadataAction(string Domain, string Configuration, bool Removed) : DeltaAction;

/// <summary>An action kind this library does not know (checkpointMetadata, sidecar, future kinds); kept as raw JSON.</summary>
public sealed record UnknownAction(string Kind, string RawJson) : DeltaAction;

/// <summary>Identifies a logical file for reconciliation: its decoded path plus the deletion vector's unique id.</summary>
public readonly record struct FileKey(string Path, string? DeletionVectorId);
