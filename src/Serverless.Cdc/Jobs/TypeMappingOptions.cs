namespace Serverless.Cdc.Jobs;

/// <summary>Choices the type mapping leaves to the job (see DESIGN.md, "Type mapping").</summary>
public sealed record TypeMappingOptions
{
    /// <summary>
    /// What a zero or partial-zero DATE/DATETIME/TIMESTAMP ('0000-00-00', '2024-00-10') becomes: null when unset,
    /// otherwise this date (its midnight for DATETIME/TIMESTAMP).
    /// </summary>
    public DateOnly? ZeroDateValue { get; init; }

    public TimeMapping Time { get; init; } = TimeMapping.String;

    public BitMapping MultiBit { get; init; } = BitMapping.Long;
}

/// <summary>How TIME columns land in the lake (Delta has no time-of-day type, and MySQL TIME spans ±838 hours).</summary>
public enum TimeMapping
{
    /// <summary>The server's text, e.g. <c>-838:59:59.000000</c>.</summary>
    String,

    /// <summary>Signed microseconds (long).</summary>
    Microseconds,
}

/// <summary>How BIT(n) with n &gt; 1 lands in the lake.</summary>
public enum BitMapping
{
    /// <summary>The bits as an unsigned number reinterpreted as long (BIT(64) values with the top bit set become negative).</summary>
    Long,

    /// <summary>The big-endian bytes as MySQL sends them (ceil(n/8) bytes).</summary>
    Binary,
}
