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
}
