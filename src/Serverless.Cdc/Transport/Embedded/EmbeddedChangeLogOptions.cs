using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Serverless.Cdc.Transport.Embedded;

public sealed record EmbeddedChangeLogOptions
{
    /// <summary>Event Hubs' publish limit, the embedded log's default batch limit.</summary>
    public const int OneMegabyte = 1024 * 1024;

    /// <summary>The largest batch, framing included; recorded when the log is created (later opens use the recorded value).</summary>
    public int MaxBatchBytes { get; init; } = OneMegabyte;

    /// <summary>A segment file is closed and a new one started once it reaches this size (retention removes whole segments).</summary>
    public long SegmentBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>One index entry (sequence → file offset) at most every this many bytes of a segment.</summary>
    public int IndexIntervalBytes { get; init; } = 64 * 1024;

    public LogDurability Durability { get; init; } = LogDurability.FlushToDisk;

    public RetentionPolicy Retention { get; init; } = RetentionPolicy.KeepAll;

    /// <summary>
    /// How often a waiting reader looks at the files for appends by a publisher in another process. A publisher in the
    /// same process wakes its readers at once; this is only the fallback across processes.
    /// </summary>
    public TimeSpan CrossProcessPollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public ILogger Logger { get; init; } = NullLogger.Instance;
}
