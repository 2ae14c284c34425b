namespace Serverless.Cdc.Transport.Embedded;

/// <summary>
/// How much of a partition the embedded log keeps: closed segments go, oldest first, while the partition is over
/// <see cref="MaxBytesPerPartition"/> or the segment's last append is older than <see cref="MaxAge"/>; but never a
/// segment holding a sequence number a registered consumer still needs (its retention hold). Null means no limit.
/// </summary>
public sealed record RetentionPolicy
{
    public long? MaxBytesPerPartition { get; init; }

    public TimeSpan? MaxAge { get; init; }

    /// <summary>Keeps everything.</summary>
    public static RetentionPolicy KeepAll { get; } = new();
}
