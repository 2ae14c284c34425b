using DurableTask.Core;
using DurableTask.Core.History;

namespace Serverless.Orchestrations.Embedded;

/// <summary>
/// What the service holds in memory for one instance (the state folder holds the same): the current execution's
/// history, status and consumed message names, and the messages waiting for the next episode. Guarded by its own lock.
/// </summary>
internal sealed class InstanceRecord(string instanceId, string directory)
{
    public string InstanceId { get; } = instanceId;

    public string Directory { get; } = directory;

    public string? ExecutionId { get; set; }

    public List<HistoryEvent> History { get; set; } = [];

    public HashSet<string> Consumed { get; set; } = new(StringComparer.Ordinal);

    public OrchestrationState? Status { get; set; }

    /// <summary>Due messages in arrival order; timers join when they fire.</summary>
    public List<PendingMessage> Pending { get; } = [];

    /// <summary>Messages handed to the running episode; they go back to <see cref="Pending"/> if it is abandoned.</summary>
    public List<PendingMessage> Delivered { get; set; } = [];

    /// <summary>Names of every message file present (pending, delivered or a timer not yet due), so a send is written once.</summary>
    public HashSet<string> Present { get; } = new(StringComparer.Ordinal);

    public long NextBatch { get; set; }

    /// <summary>An episode of this instance is running; no second one starts until it is released.</summary>
    public bool Locked { get; set; }

    /// <summary>The instance is in the ready queue.</summary>
    public bool Queued { get; set; }

    /// <summary>Completed when the status changes; waiters take a new one after each change.</summary>
    public TaskCompletionSource Changed { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsTerminal => Status?.OrchestrationStatus is OrchestrationStatus.Completed or OrchestrationStatus.Failed
        or OrchestrationStatus.Terminated or OrchestrationStatus.Canceled;

    public bool HasStartMessage => Pending.Exists(p => p.Message.Event is ExecutionStartedEvent);

    /// <summary>An episode can run: it has due messages and either a started execution or a start among them.</summary>
    public bool IsRunnable => Pending.Count > 0 && (History.Count > 0 && !IsTerminal || HasStartMessage);

    public void SignalChanged()
    {
        var previous = Changed;
        Changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }
}
