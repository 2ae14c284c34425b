using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Serverless.Durable.History;
using Serverless.Durable.Runtime;
using FailureDetails = Serverless.Durable.History.FailureDetails;

namespace Serverless.Durable.Replay;

/// <summary>
/// The context orchestrator code sees during one replay. Each scheduling call takes the next sequence number
/// and becomes a pending action; history events then either confirm a pending action (TaskScheduled,
/// TimerCreated — which is where non-determinism is detected) or complete an open task (TaskCompleted,
/// TaskFailed, TimerFired, EventRaised), after which the queued continuations run before the next event.
/// It is the SDK's <see cref="TaskOrchestrationContext"/>, so orchestrators written for Durable Functions run here
/// unchanged; what this runtime has no counterpart for (sub-orchestrations, events between instances, entities,
/// custom retry handlers) throws <see cref="NotSupportedException"/> naming the member.
/// </summary>
internal sealed class ReplayOrchestrationContext : TaskOrchestrationContext
{
    private static readonly Guid GuidNamespace = new("6f1c3d2a-8a4e-4f5b-9a51-2b7d0c9e4a10");

    private readonly ITaskOrchestrator orchestrator;
    private readonly string orchestratorName;
    private readonly DurableDataConverter converter;
    private readonly ILoggerFactory loggerFactory;
    private readonly ReplaySynchronizationContext syncContext;

    private readonly SortedDictionary<int, OrchestratorAction> pendingActions = [];
    private readonly Dictionary<int, OpenTask> openTasks = [];
    private readonly Dictionary<string, List<TaskCompletionSource<string?>>> eventWaiters = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<EventRaisedEvent> bufferedEvents = [];

    private string instanceId = string.Empty;
    private string executionId = string.Empty;
    private string? serializedInput;
    private bool executionStarted;
    private bool episodeStarted;
    private DateTime currentUtcDateTime;
    private bool isReplaying = true;
    private int nextSequenceNumber;
    private int newGuidCounter;
    private string? customStatus;
    private Task<object?>? orchestratorTask;
    private CompleteOrchestrationAction? completion;
    private bool failedByNonDeterminism;
    private bool continueAsNewRequested;
    private string? continueAsNewInput;
    private bool preserveUnprocessedEvents;

    public ReplayOrchestrationContext(
        ITaskOrchestrator orchestrator,
        string orchestratorName,
        DurableDataConverter converter,
        ILoggerFactory loggerFactory,
        ReplaySynchronizationContext syncContext)
    {
        this.orchestrator = orchestrator;
        this.orchestratorName = orchestratorName;
        this.converter = converter;
        this.loggerFactory = loggerFactory;
        this.syncContext = syncContext;
    }

    public override TaskName Name => new(orchestratorName);

    public override string InstanceId => instanceId;

    /// <summary>The current execution (a continue-as-new starts a new one).</summary>
    public string ExecutionId => executionId;

    public override ParentOrchestrationInstance? Parent => null;

    public override DateTime CurrentUtcDateTime => currentUtcDateTime;

    public override bool IsReplaying => isReplaying;

    protected override ILoggerFactory LoggerFactory => loggerFactory;

    /// <summary>The orchestration ended (completed, failed, terminated or continued as new); no more episodes.</summary>
    public bool IsFinished => completion is not null;

    /// <summary>
    /// Runs one episode on the calling thread. The first episode replays <paramref name="pastEvents"/>; a cached
    /// session continues with only new events, its earlier actions now being recorded in history.
    /// </summary>
    public OrchestratorResult RunEpisode(IReadOnlyList<HistoryEvent> pastEvents, IReadOnlyList<HistoryEvent> newEvents)
    {
        if (completion is not null)
        {
            throw new InvalidOperationException($"Orchestration '{instanceId}' already finished; it has no further episodes.");
        }

        pendingActions.Clear();
        var previous = SynchronizationContext.Current;
        syncContext.Open();
        SynchronizationContext.SetSynchronizationContext(syncContext);
        try
        {
            Run(pastEvents, newEvents);
        }
        finally
        {
            syncContext.Close();
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        return BuildResult();
    }

    private void Run(IReadOnlyList<HistoryEvent> pastEvents, IReadOnlyList<HistoryEvent> newEvents)
    {
        try
        {
            isReplaying = true;
            for (var i = 0; i < pastEvents.Count && completion is null; i++)
            {
                Apply(pastEvents[i]);
            }

            isReplaying = false;
            var next = 0;
            while (next < newEvents.Count && completion is null)
            {
                Apply(newEvents[next++]);
            }

            CarryOverUnprocessedEvents(newEvents, next);

            DetectForeignAwaits();
        }
        catch (NonDeterministicOrchestrationException ex)
        {
            failedByNonDeterminism = true;
            completion = Complete(OrchestrationStatus.Failed, null, FailureDetails.FromException(ex));
        }
    }

    private OrchestratorResult BuildResult()
    {
        var actions = new List<OrchestratorAction>(pendingActions.Count + 1);
        if (completion is null || completion.Status is OrchestrationStatus.Completed or OrchestrationStatus.ContinuedAsNew)
        {
            // Fire-and-forget work scheduled before a normal return still runs; a failed, terminated or
            // non-deterministic execution schedules nothing more.
            actions.AddRange(pendingActions.Values);
        }

        if (completion is not null)
        {
            actions.Add(completion);
        }

        return new OrchestratorResult(actions, failedByNonDeterminism ? null : customStatus);
    }

    public override T? GetInput<T>()
        where T : default => converter.Deserialize<T>(serializedInput);

    public override Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name.Name, nameof(name));
        if (input is TaskOptions && options is null)
        {
            // As the SDK's own context does: a TaskOptions passed as the input is almost certainly a mistake.
            throw new ArgumentException(
                $"A {nameof(TaskOptions)} value was passed as the input of activity '{name.Name}' and no options were given; pass it as the options argument.",
                nameof(input));
        }

        if (options?.Retry?.Handler is not null)
        {
            throw new NotSupportedException(
                $"{nameof(TaskOrchestrationContext)}.{nameof(CallActivityAsync)} with a custom retry handler ({nameof(TaskOptions)}.FromRetryHandler) "
                + $"is not supported by the embedded runtime; use {nameof(TaskOptions)}.FromRetryPolicy.");
        }

        var inputJson = converter.Serialize(input);
        return options?.Retry?.Policy is { } retry
            ? CallWithRetryAsync<TResult>(name.Name, inputJson, retry)
            : DeserializeAsync<TResult>(ScheduleActivity(name.Name, inputJson));
    }

    public override Task<TResult> CallSubOrchestratorAsync<TResult>(TaskName orchestratorName, object? input = null, TaskOptions? options = null) =>
        throw Unsupported(nameof(CallSubOrchestratorAsync), "call activities, or start the other orchestration from an activity with a client");

    public override void SendEvent(string instanceId, string eventName, object payload) =>
        throw Unsupported(nameof(SendEvent), "raise the event from an activity with a client");

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        var fireAtUtc = fireAt.Kind == DateTimeKind.Local ? fireAt.ToUniversalTime() : DateTime.SpecifyKind(fireAt, DateTimeKind.Utc);
        var id = nextSequenceNumber++;
        var timer = new OpenTask($"timer at {fireAtUtc:O}", IsTimer: true);
        pendingActions.Add(id, new CreateTimerAction(id, fireAtUtc));
        openTasks.Add(id, timer);
        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(() => timer.Completion.TrySetCanceled(cancellationToken));
        }

        return timer.Completion.Task;
    }

    public override async Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        var bufferedIndex = bufferedEvents.FindIndex(e => string.Equals(e.Name, eventName, StringComparison.OrdinalIgnoreCase));
        if (bufferedIndex >= 0)
        {
            var buffered = bufferedEvents[bufferedIndex];
            bufferedEvents.RemoveAt(bufferedIndex);
            return converter.Deserialize<T>(buffered.Input)!;
        }

        var waiter = new TaskCompletionSource<string?>();
        if (!eventWaiters.TryGetValue(eventName, out var waiters))
        {
            eventWaiters[eventName] = waiters = [];
        }

        waiters.Add(waiter);
        if (cancellationToken.CanBeCanceled)
        {
            // The SDK's timeout overload cancels the wait this way when its durable timer fires first.
            cancellationToken.Register(() =>
            {
                waiters.Remove(waiter);
                waiter.TrySetCanceled(cancellationToken);
            });
        }

        return converter.Deserialize<T>(await waiter.Task.ConfigureAwait(true))!;
    }

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = false)
    {
        continueAsNewRequested = true;
        continueAsNewInput = converter.Serialize(newInput);
        this.preserveUnprocessedEvents = preserveUnprocessedEvents;
    }

    public override void SetCustomStatus(object? customStatus) => this.customStatus = converter.Serialize(customStatus);

    public override Guid NewGuid()
    {
        // Name-based (RFC 9562 version 8, SHA-256) over values that are identical on every replay.
        var name = string.Create(
            CultureInfo.InvariantCulture,
            $"{instanceId}_{executionId}_{currentUtcDateTime:O}_{newGuidCounter++}");
        Span<byte> input = stackalloc byte[16 + Encoding.UTF8.GetByteCount(name)];
        GuidNamespace.TryWriteBytes(input[..16], bigEndian: true, out _);
        Encoding.UTF8.GetBytes(name, input[16..]);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }

    private void Apply(HistoryEvent historyEvent)
    {
        switch (historyEvent)
        {
            case OrchestratorStartedEvent:
                currentUtcDateTime = historyEvent.Timestamp;
                episodeStarted = true;
                StartIfReady();
                break;
            case ExecutionStartedEvent started:
                instanceId = started.InstanceId;
                executionId = started.ExecutionId;
                serializedInput = started.Input;
                executionStarted = true;
                if (currentUtcDateTime == default)
                {
                    currentUtcDateTime = started.Timestamp;
                }

                StartIfReady();
                break;
            case TaskScheduledEvent scheduled:
                Confirm(scheduled.EventId, scheduled, pending => pending is ScheduleTaskAction task && task.Name == scheduled.Name);
                break;
            case TimerCreatedEvent created:
                Confirm(created.EventId, created, pending => pending is CreateTimerAction);
                break;
            case TaskCompletedEvent completed:
                TakeOpenTask(completed.TaskScheduledId, completed, isTimer: false)?.Completion.TrySetResult(completed.Result);
                break;
            case TaskFailedEvent failed:
                if (TakeOpenTask(failed.TaskScheduledId, failed, isTimer: false) is { } failedTask)
                {
                    failedTask.Completion.TrySetException(new TaskFailedException(failedTask.Name, failed.TaskScheduledId, failed.FailureDetails.ToTaskFailureDetails()));
                }

                break;
            case TimerFiredEvent fired:
                TakeOpenTask(fired.TimerId, fired, isTimer: true)?.Completion.TrySetResult(null);
                break;
            case EventRaisedEvent raised:
                DeliverEvent(raised);
                break;
            case ExecutionTerminatedEvent terminated:
                completion = Complete(OrchestrationStatus.Terminated, terminated.Reason, null);
                return;
            default:
                // OrchestratorCompleted, ExecutionCompleted and ContinueAsNew carry nothing the code reacts to.
                break;
        }

        syncContext.RunPending(OnUnhandledException);
        CheckOrchestratorFinished();
    }

    private void StartIfReady()
    {
        // durabletask delivers OrchestratorStarted before ExecutionStarted; the embedded runtime records
        // ExecutionStarted at creation and OrchestratorStarted when the first episode runs. Either way the
        // code starts once both are known, so its first "now" is the first episode's time.
        if (orchestratorTask is not null || !executionStarted || !episodeStarted)
        {
            return;
        }

        object? input;
        try
        {
            input = converter.Deserialize(serializedInput, orchestrator.InputType);
        }
#pragma warning disable CA1031 // Bad input fails the orchestration with the reason rather than crashing the runtime.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            completion = Complete(
                OrchestrationStatus.Failed,
                null,
                new FailureDetails(
                    ex.GetType().FullName ?? ex.GetType().Name,
                    $"The input of orchestrator '{orchestratorName}' could not be read as {orchestrator.InputType.Name}: {ex.Message}",
                    ex.StackTrace));
            return;
        }

        syncContext.Post(_ => orchestratorTask = InvokeOrchestrator(input), null);
    }

    private Task<object?> InvokeOrchestrator(object? input)
    {
        try
        {
            return orchestrator.RunAsync(this, input);
        }
#pragma warning disable CA1031 // A synchronous throw is an orchestrator failure like any other.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return Task.FromException<object?>(ex);
        }
    }

    private void Confirm(int eventId, HistoryEvent recorded, Func<OrchestratorAction, bool> matches)
    {
        if (!pendingActions.Remove(eventId, out var pending))
        {
            throw new NonDeterministicOrchestrationException(
                orchestratorName,
                eventId,
                $"history records {Describe(recorded)} but the replayed code {(eventId < nextSequenceNumber ? "already had that id confirmed" : $"scheduled only {nextSequenceNumber} task(s) and timer(s) so far")} and did not schedule it");
        }

        if (!matches(pending))
        {
            throw new NonDeterministicOrchestrationException(
                orchestratorName,
                eventId,
                $"history records {Describe(recorded)} but the replayed code scheduled {Describe(pending)}");
        }
    }

    private OpenTask? TakeOpenTask(int id, HistoryEvent recorded, bool isTimer)
    {
        if (openTasks.Remove(id, out var open))
        {
            if (open.IsTimer != isTimer)
            {
                throw new NonDeterministicOrchestrationException(
                    orchestratorName,
                    id,
                    $"history records {Describe(recorded)} but the replayed code created {open.Name} with that id");
            }

            return open;
        }

        if (id >= nextSequenceNumber)
        {
            throw new NonDeterministicOrchestrationException(
                orchestratorName,
                id,
                $"history records {Describe(recorded)} for an id the replayed code never scheduled (it scheduled {nextSequenceNumber} task(s) and timer(s))");
        }

        // A duplicate delivery of an already completed task; the first one won.
        return null;
    }

    private void DeliverEvent(EventRaisedEvent raised)
    {
        if (eventWaiters.TryGetValue(raised.Name, out var waiters) && waiters.Count > 0)
        {
            var waiter = waiters[0];
            waiters.RemoveAt(0);
            waiter.TrySetResult(raised.Input);
            return;
        }

        bufferedEvents.Add(raised);
    }

    private void CheckOrchestratorFinished()
    {
        if (completion is not null || orchestratorTask is not { IsCompleted: true } task)
        {
            return;
        }

        if (task.IsFaulted)
        {
            var exception = task.Exception!.InnerExceptions.Count == 1 ? task.Exception.InnerException! : task.Exception;
            if (exception is NonDeterministicOrchestrationException nonDeterministic)
            {
                throw nonDeterministic;
            }

            completion = Complete(OrchestrationStatus.Failed, null, FailureDetails.FromException(exception));
        }
        else if (task.IsCanceled)
        {
            completion = Complete(
                OrchestrationStatus.Failed,
                null,
                new FailureDetails(typeof(TaskCanceledException).FullName!, $"Orchestrator '{orchestratorName}' was canceled."));
        }
        else if (continueAsNewRequested)
        {
            var carryover = preserveUnprocessedEvents ? bufferedEvents.ToArray() : [];
            completion = new CompleteOrchestrationAction(nextSequenceNumber, OrchestrationStatus.ContinuedAsNew, continueAsNewInput, null, carryover);
        }
        else
        {
            completion = Complete(OrchestrationStatus.Completed, converter.Serialize(task.Result, orchestrator.OutputType), null);
        }
    }

    private void CarryOverUnprocessedEvents(IReadOnlyList<HistoryEvent> newEvents, int firstUnprocessed)
    {
        // Events delivered in the same episode after the orchestrator decided to continue as new were never
        // seen by its code; they are as unprocessed as buffered ones.
        if (completion is not { Status: OrchestrationStatus.ContinuedAsNew } continued || !preserveUnprocessedEvents)
        {
            return;
        }

        var carryover = continued.CarryoverEvents.ToList();
        for (var i = firstUnprocessed; i < newEvents.Count; i++)
        {
            if (newEvents[i] is EventRaisedEvent raised)
            {
                carryover.Add(raised);
            }
        }

        completion = continued with { CarryoverEvents = carryover };
    }

    private void DetectForeignAwaits()
    {
        if (completion is not null || orchestratorTask is null || orchestratorTask.IsCompleted)
        {
            return;
        }

        var waitingOnHistory = openTasks.Values.Any(t => !t.Completion.Task.IsCompleted) || eventWaiters.Values.Any(w => w.Count > 0);
        if (syncContext.ForeignContinuationPosted || !waitingOnHistory)
        {
            completion = Complete(
                OrchestrationStatus.Failed,
                null,
                new FailureDetails(
                    typeof(InvalidOperationException).FullName!,
                    $"Orchestrator '{orchestratorName}' awaited something that is not a durable task (Task.Delay, Task.Run, I/O, "
                    + "ConfigureAwait(false)); its completion is not recorded in history, so replay cannot be deterministic. "
                    + "Await only the context's activities, timers and external events, and do I/O in activities."));
        }
    }

    private void OnUnhandledException(Exception exception) =>
        completion ??= Complete(OrchestrationStatus.Failed, null, FailureDetails.FromException(exception));

    private CompleteOrchestrationAction Complete(OrchestrationStatus status, string? result, FailureDetails? failure) =>
        new(nextSequenceNumber, status, result, failure, []);

    private Task<string?> ScheduleActivity(string name, string? inputJson)
    {
        var id = nextSequenceNumber++;
        var task = new OpenTask(name, IsTimer: false);
        pendingActions.Add(id, new ScheduleTaskAction(id, name, inputJson));
        openTasks.Add(id, task);
        return task.Completion.Task;
    }

    private async Task<TResult> DeserializeAsync<TResult>(Task<string?> resultJson) =>
        converter.Deserialize<TResult>(await resultJson.ConfigureAwait(true))!;

    private async Task<TResult> CallWithRetryAsync<TResult>(string name, string? inputJson, RetryPolicy retry)
    {
        var firstAttemptAt = currentUtcDateTime;
        for (var attempt = 1; ; attempt++)
        {
            var id = nextSequenceNumber;
            try
            {
                return converter.Deserialize<TResult>(await ScheduleActivity(name, inputJson).ConfigureAwait(true))!;
            }
            catch (TaskFailedException failed)
            {
                if (RetryDelay(retry, attempt, firstAttemptAt, name, id, failed) is not { } delay)
                {
                    throw;
                }

                await CreateTimer(currentUtcDateTime + delay, CancellationToken.None).ConfigureAwait(true);
            }
        }
    }

    /// <summary>
    /// The wait before the next attempt, or null to give up: DurableTask.Core's rules, which the SDK's worker applies to a
    /// <see cref="RetryPolicy"/> (attempts, then the policy's Handle — HandleFailure sees the failure's details — then
    /// the retry timeout measured from the first attempt; delay n is FirstRetryInterval × BackoffCoefficient^(n-1), capped).
    /// </summary>
    private TimeSpan? RetryDelay(RetryPolicy retry, int failedAttempt, DateTime firstAttemptAt, string name, int taskId, TaskFailedException failed)
    {
        if (failedAttempt >= retry.MaxNumberOfAttempts)
        {
            return null;
        }

        var coreFailure = new global::DurableTask.Core.Exceptions.TaskFailedException(-1, taskId, name, null, failed.Message, null)
        {
            FailureDetails = FailureDetails.FromTaskFailureDetails(failed.FailureDetails).ToCoreFailureDetails(),
        };
        try
        {
            if (!retry.Handle(coreFailure))
            {
                return null;
            }
        }
#pragma warning disable CA1031 // As DurableTask.Core does: a Handle delegate that throws means no retry, and the activity's failure surfaces.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }

        if (retry.RetryTimeout != Timeout.InfiniteTimeSpan && retry.RetryTimeout != TimeSpan.MaxValue && currentUtcDateTime >= firstAttemptAt + retry.RetryTimeout)
        {
            return null;
        }

        var milliseconds = retry.FirstRetryInterval.TotalMilliseconds * Math.Pow(retry.BackoffCoefficient, failedAttempt - 1);
        return milliseconds < retry.MaxRetryInterval.TotalMilliseconds ? TimeSpan.FromMilliseconds(milliseconds) : retry.MaxRetryInterval;
    }

    private static NotSupportedException Unsupported(string member, string instead) =>
        new($"{nameof(TaskOrchestrationContext)}.{member} is not supported by the embedded runtime (Serverless.Durable); {instead}.");

    private static string Describe(HistoryEvent recorded) => recorded switch
    {
        TaskScheduledEvent s => $"TaskScheduled '{s.Name}' (id {s.EventId})",
        TimerCreatedEvent t => $"TimerCreated firing at {t.FireAt:O} (id {t.EventId})",
        TaskCompletedEvent c => $"TaskCompleted for task {c.TaskScheduledId}",
        TaskFailedEvent f => $"TaskFailed for task {f.TaskScheduledId}",
        TimerFiredEvent f => $"TimerFired for timer {f.TimerId}",
        _ => recorded.GetType().Name,
    };

    private static string Describe(OrchestratorAction action) => action switch
    {
        ScheduleTaskAction s => $"activity '{s.Name}' (id {s.Id})",
        CreateTimerAction t => $"a timer firing at {t.FireAt:O} (id {t.Id})",
        _ => action.GetType().Name,
    };

    private sealed record OpenTask(string Name, bool IsTimer)
    {
        public TaskCompletionSource<string?> Completion { get; } = new();
    }
}
