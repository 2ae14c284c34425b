namespace Serverless.Durable.Runtime;

/// <summary>Settings of <see cref="EmbeddedDurableRuntime"/>.</summary>
public sealed class EmbeddedRuntimeOptions
{
    /// <summary>Activities running at once across all instances (the worker pool size).</summary>
    public int MaxConcurrentActivities { get; init; } = Math.Max(4, Environment.ProcessorCount * 2);

    /// <summary>Orchestrator episodes (replays) running at once; each instance runs one episode at a time.</summary>
    public int MaxConcurrentOrchestrations { get; init; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>
    /// Keep each running orchestrator alive between episodes and deliver only new events to it, instead of
    /// replaying the whole history every episode (which costs O(history²) over a long fan-out). History is
    /// still replayed after a restart, a lost append race, or when this is off.
    /// </summary>
    public bool ExtendedSessions { get; init; } = true;

    /// <summary>Top folder of this runtime's state in the store; runtimes with different hubs do not see each other.</summary>
    public string HubName { get; init; } = "durable";

    /// <summary>JSON for inputs, outputs, event payloads and custom status.</summary>
    public DurableDataConverter DataConverter { get; init; } = DurableDataConverter.Default;

    /// <summary>Clock for episode timestamps and timers.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How often a waiting client re-reads the store (changes made by this runtime wake it at once).</summary>
    public TimeSpan ClientPollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How often the runtime lists the store for work written by clients in other processes (new instances,
    /// raised events, terminations). Requests from this runtime's own client are seen at once. Null turns it off.
    /// </summary>
    public TimeSpan? StorePollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Least time between two writes of an instance's status object (zero: after every episode). Episodes in between
    /// keep the newest status in memory, where this process's client reads it; readers in other processes see the
    /// status of the last write until the next one. The episode that ends an execution always writes. A snapshot of
    /// 50 tables publishes a status after each of its ~250 episodes, and writing every one cost 0.3 s of a 4 s job.
    /// </summary>
    public TimeSpan StatusWriteInterval { get; init; } = TimeSpan.Zero;

    /// <summary>Wait before retrying an episode whose store access failed.</summary>
    public TimeSpan StoreRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    internal void Validate()
    {
        if (MaxConcurrentActivities < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrentActivities), MaxConcurrentActivities, "At least one activity worker is needed.");
        }

        if (MaxConcurrentOrchestrations < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrentOrchestrations), MaxConcurrentOrchestrations, "At least one orchestration worker is needed.");
        }

        if (StatusWriteInterval < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(StatusWriteInterval), StatusWriteInterval, "The status write interval cannot be negative.");
        }

        if (StorePollInterval is { } poll && poll <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(StorePollInterval), poll, "The store poll interval must be positive, or null to turn polling off.");
        }

        Storage.InstanceStore.ValidateName(HubName, "Hub name", nameof(HubName));
    }
}
