using Serverless.Delta.Actions;
using Serverless.Delta.Schema;

namespace Serverless.Delta.Log;

/// <summary>Column mapping modes (delta.columnMapping.mode).</summary>
public enum ColumnMappingMode
{
    None,
    Id,
    Name,
}

/// <summary>
/// The state of a table at one version: protocol, metadata, the live logical files, tombstones and the
/// application transaction versions. Immutable; writers derive the next snapshot from it.
/// </summary>
public sealed class Snapshot
{
    internal Snapshot(TableLocation table, long version, SnapshotState state, long timestamp, Snapshot? previous = null)
    {
        Table = table;
        Version = version;
        Protocol = state.Protocol ?? throw new DeltaLogException($"Table {table.Store.Location}/{table.RootPath} has no protocol action at version {version}; the log is incomplete.");
        Metadata = state.Metadata ?? throw new DeltaLogException($"Table {table.Store.Location}/{table.RootPath} has no metaData action at version {version}; the log is incomplete.");
        State = state;
        Timestamp = timestamp;
        // A commit that keeps the metadata keeps the schema: reuse the parsed one instead of parsing it per commit.
        Schema = previous is not null && ReferenceEquals(previous.Metadata, Metadata) ? previous.Schema : SchemaJson.Parse(Metadata.SchemaString ?? throw SchemaMissing(table, version, null));
        ColumnMapping = Metadata.GetConfiguration("delta.columnMapping.mode") switch
        {
            "name" => ColumnMappingMode.Name,
            "id" => ColumnMappingMode.Id,
            _ => ColumnMappingMode.None,
        };
    }

    private Dictionary<string, AddFile>? byPath;

    public TableLocation Table { get; }

    public long Version { get; }

    public ProtocolAction Protocol { get; }

    public MetadataAction Metadata { get; }

    public StructType Schema { get; }

    public ColumnMappingMode ColumnMapping { get; }

    /// <summary>Commit time of this version in Unix milliseconds (inCommitTimestamp, else the commit file's modification time).</summary>
    public long Timestamp { get; }

    /// <summary>The live logical files.</summary>
    public IReadOnlyCollection<AddFile> Files => State.Files.Values;

    /// <summary>Removed files still remembered as tombstones (for vacuum and checkpoints).</summary>
    public IReadOnlyCollection<RemoveFile> Tombstones => State.Tombstones.Values;

    public IReadOnlyDictionary<string, TransactionAction> AppTransactions => State.AppTransactions;

    public IReadOnlyDictionary<string, DomainMetadataAction> DomainMetadata => State.DomainMetadata;

    internal SnapshotState State { get; }

    /// <summary>The version the application last committed, or null when it never did.</summary>
    public long? GetAppTransactionVersion(string appId) =>
        State.AppTransactions.TryGetValue(appId, out var t) ? t.Version : null;

    /// <summary>The live file with this decoded path, if any (a path is live at most once).</summary>
    public AddFile? FindFile(string path)
    {
        if (byPath is null)
        {
            var index = new Dictionary<string, AddFile>(State.Files.Count, StringComparer.Ordinal);
            foreach (var kv in State.Files)
            {
                index[kv.Key.Path] = kv.Value;
            }

            byPath = index;
        }

        return byPath.TryGetValue(path, out var file) ? file : null;
    }

    public string Describe() => $"{Table.Store.Location}/{Table.RootPath}";

    /// <summary>
    /// The error for a version whose metaData in effect has no schemaString (Delta Live Tables writes such a first
    /// commit): names the version and, when the caller found one, the first later version that has the schema.
    /// </summary>
    internal static DeltaLogException SchemaMissing(TableLocation table, long version, long? firstWithSchema) => new(
        $"Table {table.Store.Location}/{table.RootPath} has no schema at version {version}: the metaData action in effect there lacks schemaString " +
        "(Delta Live Tables writes such a first commit and the schema in a later one). " +
        (firstWithSchema is { } v
            ? $"Version {v} is the first that has it; read version {v} or later."
            : "Read a later version whose metaData carries the schema."));
}

/// <summary>Mutable replay state: the reconciliation rules of PROTOCOL.md applied action by action.</summary>
internal sealed class SnapshotState
{
    public ProtocolAction? Protocol { get; set; }

    public MetadataAction? Metadata { get; set; }

    public SnapshotState()
    {
        Files = [];
        Tombstones = [];
        AppTransactions = new(StringComparer.Ordinal);
        DomainMetadata = new(StringComparer.Ordinal);
    }

    private SnapshotState(SnapshotState other)
    {
        // Copy constructors of same-comparer dictionaries copy the buckets wholesale: a commit derives its snapshot
        // from the read snapshot, so this runs once per commit and must not rehash every live file.
        Protocol = other.Protocol;
        Metadata = other.Metadata;
        Files = new(other.Files);
        Tombstones = new(other.Tombstones);
        AppTransactions = new(other.AppTransactions, StringComparer.Ordinal);
        DomainMetadata = new(other.DomainMetadata, StringComparer.Ordinal);
    }

    public Dictionary<FileKey, AddFile> Files { get; }

    public Dictionary<FileKey, RemoveFile> Tombstones { get; }

    public Dictionary<string, TransactionAction> AppTransactions { get; }

    public Dictionary<string, DomainMetadataAction> DomainMetadata { get; }

    public SnapshotState Clone() => new(this);

    public void Apply(DeltaAction action)
    {
        switch (action)
        {
            case AddFile a:
                var key = a.Key;
                Files[key] = a;
                Tombstones.Remove(key);
                break;
            case RemoveFile r:
                var rk = r.Key;
                Files.Remove(rk);
                Tombstones[rk] = r;
                break;
            case MetadataAction m:
                Metadata = m;
                break;
            case ProtocolAction p:
                Protocol = p;
                break;
            case TransactionAction t:
                AppTransactions[t.AppId] = t;
                break;
            case DomainMetadataAction d:
                if (d.Removed)
                {
                    DomainMetadata.Remove(d.Domain);
                }
                else
                {
                    DomainMetadata[d.Domain] = d;
                }

                break;
        }
    }
}
