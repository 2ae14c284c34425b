namespace Serverless.Delta.Transactions;

/// <summary>A concurrent commit conflicts with ours and the transaction cannot be retried as is.</summary>
public sealed class CommitConflictException : DeltaException
{
    public CommitConflictException(ConflictKind kind, long winningVersion, string detail)
        : base($"{kind} at version {winningVersion}: {detail} {HelpFor(kind)}")
    {
        Kind = kind;
        WinningVersion = winningVersion;
        Detail = detail;
    }

    public ConflictKind Kind { get; }

    /// <summary>The concurrent commit that caused the conflict.</summary>
    public long WinningVersion { get; }

    public string Detail { get; }

    /// <summary>What to do about each conflict kind.</summary>
    public static string HelpFor(ConflictKind kind) => kind switch
    {
        ConflictKind.ProtocolChanged => "The table's protocol was upgraded concurrently; reload the table and rerun the operation against the new protocol.",
        ConflictKind.MetadataChanged => "The schema or table properties changed concurrently; reload the table, check the data still matches the schema, and rerun.",
        ConflictKind.ConcurrentAppend => "Files were added concurrently in the range this operation read; rerun it on the new snapshot (a redo callback does this automatically).",
        ConflictKind.ConcurrentDeleteRead => "A file this operation read was deleted or rewritten concurrently; rerun it on the new snapshot (a redo callback does this automatically).",
        ConflictKind.ConcurrentDeleteDelete => "A file this operation deletes or updates was deleted or rewritten concurrently; rerun it on the new snapshot (a redo callback does this automatically).",
        ConflictKind.ConcurrentTransaction => "Another writer committed for the same application id; two writers are processing the same stream. Make sure one application id has one writer at a time.",
        _ => string.Empty,
    };
}
