namespace Serverless.Cdc.Verify;

/// <summary>One pass over a table's ranges: the rows that differ, the narrowed ranges holding them, and what was compared.</summary>
internal sealed record PassOutcome
{
    public required DifferenceTally Differences { get; init; }

    /// <summary>The narrowed ranges in which rows differed, sorted: what a re-check compares again.</summary>
    public required List<KeyRange> DifferingRanges { get; init; }

    public long SourceRows { get; init; }

    public long LakeRows { get; init; }

    public int RangesChecksummed { get; init; }

    public string? SourcePosition { get; init; }

    public long LakeVersion { get; init; }
}
