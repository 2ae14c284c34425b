namespace Serverless.Delta.Transactions;

/// <summary>Why a concurrent commit invalidates ours (the names follow Delta's concurrency-control errors).</summary>
public enum ConflictKind
{
    /// <summary>The winner changed the protocol (versions or features).</summary>
    ProtocolChanged,

    /// <summary>The winner changed the table metadata (schema, partitioning, configuration).</summary>
    MetadataChanged,

    /// <summary>The winner added files that match what this transaction read.</summary>
    ConcurrentAppend,

    /// <summary>The winner removed (or re-DV'd) a file this transaction read but does not change.</summary>
    ConcurrentDeleteRead,

    /// <summary>The winner removed (or re-DV'd) a file this transaction removes or re-DVs.</summary>
    ConcurrentDeleteDelete,

    /// <summary>The winner committed a txn action for the same application id.</summary>
    ConcurrentTransaction,

    /// <summary>The winner changed a metadata domain this transaction also writes (redoable: recompute the domain's content).</summary>
    ConcurrentDomainMetadata,
}
