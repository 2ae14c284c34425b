using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

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

    /// <summary>Adds services to the runtime's container, e.g. an <see cref="Activities.IChunkReadObserver"/>.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }
}
