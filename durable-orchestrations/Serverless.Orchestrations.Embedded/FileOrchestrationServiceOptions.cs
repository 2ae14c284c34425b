namespace Serverless.Orchestrations.Embedded;

/// <summary>Settings of <see cref="FileOrchestrationService"/>.</summary>
public sealed class FileOrchestrationServiceOptions
{
    /// <summary>Activities running at once; further ones wait in the queue (the default matches the embedded runtime's).</summary>
    public int MaxConcurrentActivities { get; init; } = Math.Max(4, Environment.ProcessorCount * 2);

    /// <summary>
    /// The dispatcher's own limit. It polls every 500 ms once this many orchestration episodes are running, so it is
    /// set far above what runs at once (one episode per instance at a time is enforced by the service).
    /// </summary>
    public int MaxConcurrentOrchestrations { get; init; } = 10_000;

    /// <summary>
    /// Flush every state file to disk before renaming it into place (fsync), so even a machine crash loses nothing
    /// acknowledged. Off, a killed process still loses nothing (the pages are in the OS cache).
    /// </summary>
    public bool FlushToDisk { get; init; } = true;

    internal void Validate()
    {
        if (MaxConcurrentActivities < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrentActivities), MaxConcurrentActivities, "MaxConcurrentActivities must be at least 1.");
        }

        if (MaxConcurrentOrchestrations < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrentOrchestrations), MaxConcurrentOrchestrations, "MaxConcurrentOrchestrations must be at least 1.");
        }
    }
}
