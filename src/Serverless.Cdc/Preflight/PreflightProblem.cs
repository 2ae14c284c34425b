namespace Serverless.Cdc.Preflight;

/// <summary>One reason the job cannot run as configured: which check failed, on what (server, table, privilege), and the fix.</summary>
public sealed record PreflightProblem(PreflightCheck Check, string Subject, string Problem, string Fix)
{
    public override string ToString() => $"[{Check}] {Subject}: {Problem} Fix: {Fix}";
}

public enum PreflightCheck
{
    BinlogDisabled,
    BinlogFormat,
    BinlogRowImage,
    BinlogRowMetadata,
    MissingPrivilege,
    BinlogRetention,
    PositionMethod,
    NoTables,
    TableWithoutKey,
    KeyOverride,
    UnsupportedColumnType,

    /// <summary>The source cannot be reached: unknown host, connection refused, timeout, TLS.</summary>
    SourceConnection,

    /// <summary>The source refused the user: wrong password, unknown user, no grant for this host, a privilege the checks need.</summary>
    SourceAccess,

    /// <summary>The lake target (<c>target.root</c>) cannot be written: read-only folder, a file in the way, credentials, a missing container.</summary>
    LakeTarget,

    /// <summary>The local host's state folder cannot be written.</summary>
    StateFolder,
}
