namespace Serverless.Cdc.Verify;

/// <summary>The outcome of verifying one table: what was compared at which positions, and the rows that differ.</summary>
public sealed record TableVerification
{
    /// <summary><c>db.table</c>.</summary>
    public required string SourceTable { get; init; }

    public required string LakeTable { get; init; }

    /// <summary>The Delta version compared (of the last pass, when ranges were checked again).</summary>
    public required long LakeVersion { get; init; }

    /// <summary>The binlog position of the source read view compared (of the last pass), when the server reports one.</summary>
    public string? SourcePosition { get; init; }

    /// <summary>Rows in the source's read view and live rows in the lake version, from the first pass.</summary>
    public long SourceRows { get; init; }

    public long LakeRows { get; init; }

    /// <summary>Top-level key ranges (the snapshot's chunks) and every range checksummed on both sides, over all passes.</summary>
    public int Ranges { get; init; }

    public int RangesChecksummed { get; init; }

    /// <summary>Passes made: 1, plus one per re-check of ranges that still differed.</summary>
    public int Passes { get; init; }

    public long Missing { get; init; }

    public long Extra { get; init; }

    public long Different { get; init; }

    public long Duplicate { get; init; }

    /// <summary>The first differences (at most <see cref="VerifyOptions.MaxReportedDifferences"/>), by kind then key.</summary>
    public IReadOnlyList<RowDifference> Differences { get; init; } = [];

    public bool IsEqual => Missing + Extra + Different + Duplicate == 0;
}
