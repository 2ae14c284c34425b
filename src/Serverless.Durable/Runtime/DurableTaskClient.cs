using Serverless.Durable.History;

namespace Serverless.Durable.Runtime;

/// <summary>Starts, queries and steers orchestration instances.</summary>
public abstract class DurableTaskClient
{
    /// <summary>Creates an instance; returns its id (a new GUID when <paramref name="instanceId"/> is null).</summary>
    /// <exception cref="InvalidOperationException">An instance with that id exists; purge it first.</exception>
    public abstract Task<string> ScheduleNewOrchestrationInstanceAsync(
        string orchestratorName,
        object? input = null,
        string? instanceId = null,
        CancellationToken cancellationToken = default);

    /// <summary>Status, custom status, output and failure of an instance, or null when it does not exist.</summary>
    public abstract Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>Waits until the instance is completed, failed or terminated.</summary>
    public abstract Task<OrchestrationMetadata> WaitForCompletionAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>Delivers an external event; it is persisted before this returns. Ignored by a finished instance.</summary>
    /// <exception cref="InvalidOperationException">No such instance.</exception>
    public abstract Task RaiseEventAsync(string instanceId, string eventName, object? eventData = null, CancellationToken cancellationToken = default);

    /// <summary>Asks the instance to stop; <paramref name="reason"/> becomes its output. Ignored by a finished instance.</summary>
    /// <exception cref="InvalidOperationException">No such instance.</exception>
    public abstract Task TerminateAsync(string instanceId, object? reason = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a finished instance's history; false when it did not exist.</summary>
    /// <exception cref="InvalidOperationException">The instance is still pending or running.</exception>
    public abstract Task<bool> PurgeAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>The current execution's history, for diagnostics and tests.</summary>
    public abstract Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken = default);
}
