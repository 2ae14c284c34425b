using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Cdc.Transport.Embedded;

namespace Serverless.Orchestrations.Hosting;

/// <summary>Settings of a local job run.</summary>
public sealed record JobRunnerOptions
{
    /// <summary>
    /// Where orchestration history and job state live. Default: <c>.serverless-state</c> beside a local lake folder,
    /// else beside the job spec.
    /// </summary>
    public string? StateFolder { get; init; }

    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Chunks of one table grouped into one Delta commit (fewer, larger commits; a crash re-reads at most this many).</summary>
    public int ChunksPerCommit { get; init; } = 4;

    /// <summary>How often progress is reported (and the orchestration's status read).</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How often the job's status object (what <c>serverless status</c> reads from another process) is rewritten while
    /// the job runs; this process reads the newest status from memory. The ending episode and a stop always write it.
    /// </summary>
    public TimeSpan StatusWriteInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Stop once the snapshot is complete, as before streaming existed (benchmarks, snapshot-only tests).</summary>
    public bool SnapshotOnly { get; init; }

    /// <summary>
    /// Stream until every change up to the binlog's end, as seen when the snapshot completed, is committed to the lake, then
    /// stop with <see cref="JobExitCodes.Success"/> (demos, tests, one-off catch-up runs). The next run resumes from there.
    /// </summary>
    public bool UntilCaughtUp { get; init; }

    /// <summary>How long one capture or writer segment runs before its supervisor continues as new (history stays one segment long).</summary>
    public TimeSpan StreamSegmentLength { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Time between two compaction rounds over the job's tables.</summary>
    public TimeSpan CompactionInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the stream-status record (what <c>serverless status</c> shows for streaming) is written to the job state.</summary>
    public TimeSpan StreamStatusWriteInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The change log's fsync policy (tests may trade power-loss safety for speed).</summary>
    public LogDurability ChangeLogDurability { get; init; } = LogDurability.FlushToDisk;

    /// <summary>Adds services to the runtime's container, e.g. an <see cref="Activities.IChunkReadObserver"/>.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }
}
