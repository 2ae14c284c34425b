using Serverless.Durable.History;

namespace Serverless.Durable.Runtime.Storage;

/// <summary>
/// The current execution's history of one instance as loaded from the store, with the facts the runtime
/// derives from it: what is still outstanding (activities without results, timers not fired), which inbox
/// messages were consumed, and the instance's status. History is the only source of truth; the custom status
/// (<see cref="CustomStatusRecord"/>) is kept beside it and is advisory.
/// </summary>
internal sealed class InstanceHistory
{
    private readonly List<HistoryEvent> events = [];
    private readonly Dictionary<int, TaskScheduledEvent> outstandingActivities = [];
    private readonly Dictionary<int, TimerCreatedEvent> openTimers = [];
    private readonly HashSet<int> scheduledTaskIds = [];
    private readonly HashSet<string> consumedMessages = new(StringComparer.Ordinal);
    private string? newestEpisodeBatchStatus;

    public InstanceHistory(string instanceId, int generation)
    {
        InstanceId = instanceId;
        Generation = generation;
    }

    public string InstanceId { get; }

    /// <summary>Counts continue-as-new restarts; each execution's history lives under its own generation.</summary>
    public int Generation { get; }

    public IReadOnlyList<HistoryEvent> Events => events;

    /// <summary>Batches appended; the batches themselves are not kept (older ones each carry a custom status that may be large).</summary>
    public int BatchCount { get; private set; }

    public ExecutionStartedEvent? ExecutionStarted { get; private set; }

    public ExecutionCompletedEvent? ExecutionCompleted { get; private set; }

    public ContinueAsNewEvent? ContinueAsNew { get; private set; }

    public bool HasRunEpisode { get; private set; }

    /// <summary>
    /// The custom status as status readers report it: the status record when it applies to this history, otherwise
    /// what the newest episode batch carries (batches written before the record existed; null in newer ones).
    /// </summary>
    public string? CustomStatus =>
        !HasRunEpisode ? null
        : IsFinished && newestEpisodeBatchStatus is not null ? newestEpisodeBatchStatus
        : StatusRecord is { } record ? record.CustomStatus
        : newestEpisodeBatchStatus;

    /// <summary>The status record read with or written after this history, when it applies to it.</summary>
    public CustomStatusRecord? StatusRecord { get; private set; }

    /// <summary>Activities scheduled whose result is not in history: running, or lost with a dead process.</summary>
    public IReadOnlyDictionary<int, TaskScheduledEvent> OutstandingActivities => outstandingActivities;

    public IReadOnlyDictionary<int, TimerCreatedEvent> OpenTimers => openTimers;

    /// <summary>The execution has ended (completed, failed, terminated, or continued as new).</summary>
    public bool IsFinished => ExecutionCompleted is not null || ContinueAsNew is not null;

    public bool IsAwaitingResult(int taskId) => outstandingActivities.ContainsKey(taskId);

    public bool WasScheduled(int taskId) => scheduledTaskIds.Contains(taskId);

    public bool HasConsumed(string messageId) => consumedMessages.Contains(messageId);

    public void Append(HistoryBatch batch)
    {
        BatchCount++;
        var episode = false;
        foreach (var e in batch.Events)
        {
            events.Add(e);
            switch (e)
            {
                case ExecutionStartedEvent started:
                    ExecutionStarted ??= started;
                    break;
                case OrchestratorStartedEvent:
                    episode = true;
                    HasRunEpisode = true;
                    break;
                case TaskScheduledEvent scheduled:
                    outstandingActivities[scheduled.EventId] = scheduled;
                    scheduledTaskIds.Add(scheduled.EventId);
                    break;
                case TaskCompletedEvent completed:
                    outstandingActivities.Remove(completed.TaskScheduledId);
                    break;
                case TaskFailedEvent failed:
                    outstandingActivities.Remove(failed.TaskScheduledId);
                    break;
                case TimerCreatedEvent timer:
                    openTimers[timer.EventId] = timer;
                    break;
                case TimerFiredEvent fired:
                    openTimers.Remove(fired.TimerId);
                    break;
                case ExecutionCompletedEvent completed:
                    ExecutionCompleted = completed;
                    break;
                case ContinueAsNewEvent continued:
                    ContinueAsNew = continued;
                    break;
                default:
                    break;
            }
        }

        if (episode)
        {
            newestEpisodeBatchStatus = batch.CustomStatus;
        }

        foreach (var id in batch.ConsumedMessages)
        {
            consumedMessages.Add(id);
        }
    }

    /// <summary>
    /// Takes <paramref name="record"/> as the custom status when it belongs to this execution and to a batch this
    /// history holds; a record of another execution or of a batch not (yet) in this history is ignored. False then.
    /// </summary>
    public bool ApplyStatusRecord(CustomStatusRecord record)
    {
        if (ExecutionStarted is not { } started || !record.AppliesTo(started.ExecutionId, BatchCount)
            || (StatusRecord is { } current && current.Batch > record.Batch))
        {
            return false;
        }

        StatusRecord = record;
        return true;
    }

    /// <summary>The status-query view of this history, or null before its <see cref="ExecutionStartedEvent"/>.</summary>
    public InstanceSummary? ToSummary() =>
        ExecutionStarted is { } started
            ? new InstanceSummary(Generation, BatchCount, started, RuntimeStatus, events[^1].Timestamp, CustomStatus, ExecutionCompleted)
            : null;

    /// <summary>The client-facing view of this history.</summary>
    public OrchestrationStatus RuntimeStatus =>
        ExecutionCompleted?.Status
        ?? (ContinueAsNew is not null ? OrchestrationStatus.ContinuedAsNew
            : HasRunEpisode ? OrchestrationStatus.Running
            : OrchestrationStatus.Pending);
}
