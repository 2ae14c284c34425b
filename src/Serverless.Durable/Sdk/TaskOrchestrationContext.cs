using Microsoft.Extensions.Logging;

namespace Serverless.Durable.Sdk;

/// <summary>
/// The orchestrator's only window on the world. Every method here is replay-safe: on replay it returns what
/// history recorded instead of doing the work again.
/// </summary>
public abstract class TaskOrchestrationContext
{
    /// <summary>The orchestrator name this instance runs.</summary>
    public abstract string Name { get; }

    /// <summary>The orchestration instance.</summary>
    public abstract string InstanceId { get; }

    /// <summary>The current execution (a continue-as-new starts a new one).</summary>
    public abstract string ExecutionId { get; }

    /// <summary>"Now" as recorded in history at the start of the current episode; use it instead of DateTime.UtcNow.</summary>
    public abstract DateTime CurrentUtcDateTime { get; }

    /// <summary>True while the code is re-executing events already in history (logs and side effects should be skipped).</summary>
    public abstract bool IsReplaying { get; }

    /// <summary>Schedules an activity and returns its deserialized result; failures surface as <see cref="TaskFailedException"/>.</summary>
    public abstract Task<TResult> CallActivityAsync<TResult>(string name, object? input = null, TaskOptions? options = null);

    /// <summary>Schedules an activity whose result is not needed.</summary>
    public Task CallActivityAsync(string name, object? input = null, TaskOptions? options = null) =>
        CallActivityAsync<object?>(name, input, options);

    /// <summary>A durable timer that completes at <paramref name="fireAt"/> (UTC); it survives restarts.</summary>
    /// <param name="fireAt">When to fire.</param>
    /// <param name="cancellationToken">Cancels the wait locally; the recorded timer still fires later and is ignored.</param>
    public abstract Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken = default);

    /// <summary>A durable timer that completes <paramref name="delay"/> after <see cref="CurrentUtcDateTime"/>.</summary>
    public Task CreateTimer(TimeSpan delay, CancellationToken cancellationToken = default) =>
        CreateTimer(CurrentUtcDateTime + delay, cancellationToken);

    /// <summary>
    /// Waits for an external event raised by a client. Events raised before the wait are buffered and
    /// delivered in arrival order. With a timeout, a durable timer bounds the wait and a
    /// <see cref="TimeoutException"/> is thrown when it fires first.
    /// </summary>
    public abstract Task<T> WaitForExternalEvent<T>(string eventName, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends this execution when the orchestrator returns and starts a new one with <paramref name="newInput"/>
    /// and an empty history (how eternal or very long orchestrations keep history small).
    /// </summary>
    /// <param name="newInput">The next execution's input.</param>
    /// <param name="preserveUnprocessedEvents">Carry buffered external events over to the next execution.</param>
    public abstract void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = false);

    /// <summary>Publishes a JSON-serializable status that clients can read while the orchestration runs.</summary>
    public abstract void SetCustomStatus(object? customStatus);

    /// <summary>A GUID that is the same on every replay (derived from the instance id, history time and a counter).</summary>
    public abstract Guid NewGuid();

    /// <summary>A logger that writes only when the code is not replaying, so each message appears once.</summary>
    public abstract ILogger CreateReplaySafeLogger(ILogger logger);

    /// <summary>A replay-safe logger of the given category from the runtime's logger factory.</summary>
    public abstract ILogger CreateReplaySafeLogger(string categoryName);
}
