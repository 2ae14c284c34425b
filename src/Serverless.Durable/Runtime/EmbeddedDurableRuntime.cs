using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Durable.History;
using Serverless.Durable.Replay;
using Serverless.Durable.Runtime.Storage;
using Serverless.Storage;

namespace Serverless.Durable.Runtime;

/// <summary>
/// Runs orchestrations in this process with history in an object store (a local folder by default).
/// Every episode replays the orchestrator over its history with <see cref="OrchestrationExecutor"/> and
/// appends one put-if-absent batch before acting on the result, so a process killed at any point resumes
/// from history: completed activities (result recorded) never run again; activities that were scheduled but
/// whose result was not recorded are run again (at-least-once, so activities must be idempotent); timers are
/// re-armed from their recorded fire times. Activities run on a bounded worker pool.
/// </summary>
public sealed partial class EmbeddedDurableRuntime : IAsyncDisposable
{
    private readonly RegisteredTasks registry;
    private readonly InstanceStore store;
    private readonly EmbeddedRuntimeOptions options;
    private readonly IServiceProvider services;
    private readonly ILoggerFactory loggerFactory;
    private readonly ILogger logger;
    private readonly OrchestrationExecutor executor;
    private readonly ConcurrentDictionary<string, InstanceWorkState> instances = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> finishedInstances = new(StringComparer.Ordinal);
    private readonly bool ownsServices;
    private readonly Channel<InstanceWorkState> readyInstances = Channel.CreateUnbounded<InstanceWorkState>();
    private readonly Channel<ActivityWorkItem> activityQueue = Channel.CreateUnbounded<ActivityWorkItem>();
    private readonly CancellationTokenSource stopping = new();
    private readonly List<Task> workers = [];
    private TaskCompletionSource changed = NewChangeSignal();
    private int activitiesInFlight;
    private bool started;

    public EmbeddedDurableRuntime(
        DurableTaskRegistry registry,
        IObjectStore store,
        EmbeddedRuntimeOptions? options = null,
        IServiceProvider? services = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(store);
        this.registry = new RegisteredTasks(registry);
        this.options = options ?? new EmbeddedRuntimeOptions();
        this.options.Validate();
        this.store = new InstanceStore(store, this.options.HubName);
        ownsServices = services is null;
        this.services = services ?? new ServiceCollection().BuildServiceProvider();
        this.loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        logger = this.loggerFactory.CreateLogger<EmbeddedDurableRuntime>();
        executor = new OrchestrationExecutor(this.options.DataConverter, this.loggerFactory);
        Client = new EmbeddedDurableTaskClient(this);
    }

    /// <summary>A client bound to this runtime's store; usable before <see cref="StartAsync"/> (requests wait for it).</summary>
    public EmbeddedDurableTaskClient Client { get; }

    /// <summary>Activities executing right now (for tests and metrics).</summary>
    public int ActivitiesInFlight => Volatile.Read(ref activitiesInFlight);

    internal InstanceStore Store => store;

    internal EmbeddedRuntimeOptions Options => options;

    internal RegisteredTasks Registry => registry;

    internal Task ChangeSignal => Volatile.Read(ref changed).Task;

    /// <summary>A runtime over a local folder (created if missing).</summary>
    public static EmbeddedDurableRuntime ForLocalFolder(
        string folder,
        DurableTaskRegistry registry,
        EmbeddedRuntimeOptions? options = null,
        IServiceProvider? services = null,
        ILoggerFactory? loggerFactory = null)
    {
        Directory.CreateDirectory(folder);
        return new EmbeddedDurableRuntime(registry, new Serverless.Storage.Local.LocalFolderObjectStore(folder), options, services, loggerFactory);
    }

    /// <summary>Starts the workers and resumes every unfinished instance found in the store.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (started)
        {
            throw new InvalidOperationException("The runtime is already started.");
        }

        started = true;
        for (var i = 0; i < options.MaxConcurrentOrchestrations; i++)
        {
            workers.Add(Task.Run(RunOrchestrationWorkerAsync, CancellationToken.None));
        }

        for (var i = 0; i < options.MaxConcurrentActivities; i++)
        {
            workers.Add(Task.Run(RunActivityWorkerAsync, CancellationToken.None));
        }

        var resumed = await ScanStoreAsync(cancellationToken).ConfigureAwait(false);
        if (options.StorePollInterval is { } interval)
        {
            workers.Add(Task.Run(() => PollStoreAsync(interval), CancellationToken.None));
        }

        LogStarted(logger, store.Location, resumed, options.MaxConcurrentActivities);
    }

    /// <summary>Stops the workers; in-flight activities are cancelled and their results dropped (they run again next start).</summary>
    public async Task StopAsync()
    {
        if (stopping.IsCancellationRequested)
        {
            return;
        }

        await stopping.CancelAsync().ConfigureAwait(false);
        readyInstances.Writer.TryComplete();
        activityQueue.Writer.TryComplete();
        try
        {
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        // Statuses kept in memory (StatusWriteInterval) go to the store now, so a reader after the stop sees where
        // the instances stand instead of a status up to one interval old. No episode runs any more.
        foreach (var state in instances.Values)
        {
            if (state.StatusWritePending && state.CachedHistory is { StatusRecord: { } record } history)
            {
                await TryWriteStatusAsync(state.InstanceId, history, record.Batch, record.CustomStatus, CancellationToken.None).ConfigureAwait(false);
                state.StatusWritePending = false;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        stopping.Dispose();
        if (ownsServices && services is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal void Signal(string instanceId)
    {
        var state = instances.GetOrAdd(instanceId, id => new InstanceWorkState(id));
        Signal(state);
    }

    internal void SignalInbox(string instanceId)
    {
        var state = instances.GetOrAdd(instanceId, id => new InstanceWorkState(id));
        state.MarkInboxDirty();
        Signal(state);
    }

    /// <summary>The status this runtime published for an instance it is working on, or null.</summary>
    internal LiveInstanceStatus? PublishedStatusOf(string instanceId) =>
        instances.TryGetValue(instanceId, out var state) ? state.PublishedStatus : null;

    internal void Forget(string instanceId)
    {
        instances.TryRemove(instanceId, out _);
        finishedInstances.TryRemove(instanceId, out _);
    }

    /// <summary>
    /// Finds unfinished instances this runtime is not working on (after a restart, or created by a client in
    /// another process) and instances with waiting client requests, and queues them. Returns how many were queued.
    /// </summary>
    private async Task<int> ScanStoreAsync(CancellationToken cancellationToken)
    {
        var (all, withInbox) = await store.ScanInstancesAsync(cancellationToken).ConfigureAwait(false);
        var queued = 0;
        foreach (var id in finishedInstances.Keys)
        {
            // Purged by another process: forget it, so an instance re-created under the id is picked up.
            if (!all.Contains(id, StringComparer.Ordinal))
            {
                finishedInstances.TryRemove(id, out _);
            }
        }

        foreach (var id in withInbox)
        {
            SignalInbox(id);
            queued++;
        }

        foreach (var id in all)
        {
            if (instances.ContainsKey(id) || finishedInstances.ContainsKey(id))
            {
                continue;
            }

            var tail = await store.ReadTailAsync(id, cancellationToken).ConfigureAwait(false);
            if (tail.IsCompleted)
            {
                finishedInstances.TryAdd(id, 0);
            }
            else if (tail.Exists)
            {
                Signal(id);
                queued++;
            }
        }

        return queued;
    }

    private async Task PollStoreAsync(TimeSpan interval)
    {
        var token = stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, options.TimeProvider, token).ConfigureAwait(false);
                await ScanStoreAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed scan is retried at the next interval.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogScanFailed(logger, ex, store.Location);
            }
        }
    }

    private static TaskCompletionSource NewChangeSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Signal(InstanceWorkState state)
    {
        if (state.TryMarkQueued())
        {
            readyInstances.Writer.TryWrite(state);
        }
    }

    private void NotifyChanged() => Interlocked.Exchange(ref changed, NewChangeSignal()).TrySetResult();

    private async Task RunOrchestrationWorkerAsync()
    {
        var token = stopping.Token;
        try
        {
            await foreach (var state in readyInstances.Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                state.ClearQueued();
                await state.EpisodeLock.WaitAsync(token).ConfigureAwait(false);
                try
                {
                    await RunEpisodeAsync(state, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // A store outage must not kill the worker; the instance is retried later.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    LogEpisodeFailed(logger, ex, state.InstanceId, options.StoreRetryDelay);
                    state.DiscardSession();
                    state.ForgetHistory();
                    state.MarkInboxDirty();
                    _ = RetryLaterAsync(state, token);
                }
                finally
                {
                    state.EpisodeLock.Release();
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }

    private async Task RetryLaterAsync(InstanceWorkState state, CancellationToken token)
    {
        try
        {
            await Task.Delay(options.StoreRetryDelay, options.TimeProvider, token).ConfigureAwait(false);
            Signal(state);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RunEpisodeAsync(InstanceWorkState state, CancellationToken token)
    {
        const int MaxAppendRaces = 10;
        for (var race = 0; race < MaxAppendRaces; race++)
        {
            if (state.CachedHistory is null)
            {
                state.CacheHistory(await store.LoadAsync(state.InstanceId, token).ConfigureAwait(false));
            }

            var history = state.CachedHistory;
            if (history is null)
            {
                // Purged, or signalled before creation became visible.
                state.RemoveFromMailbox(state.PeekMailbox().Count);
                return;
            }

            if (history.ContinueAsNew is { } continued)
            {
                // Recovering a continue-as-new that was recorded but not yet carried out.
                await StartNextExecutionAsync(state, history, continued, token).ConfigureAwait(false);
                return;
            }

            var mailbox = state.PeekMailbox();
            if (history.IsFinished)
            {
                finishedInstances.TryAdd(state.InstanceId, 0);
                state.RemoveFromMailbox(mailbox.Count);
                if (state.TakeInboxDirty())
                {
                    // Events and terminations sent to a finished instance are ignored, as in Durable Functions.
                    foreach (var late in await store.ReadInboxAsync(state.InstanceId, token).ConfigureAwait(false))
                    {
                        await store.DeleteInboxMessageAsync(state.InstanceId, late.Id, token).ConfigureAwait(false);
                    }
                }

                NotifyChanged();
                return;
            }

            if (state.DispatchGeneration != history.Generation)
            {
                state.ResetDispatch(history.Generation);
            }

            var now = options.TimeProvider.GetUtcNow().UtcDateTime;
            var newEvents = new List<HistoryEvent> { new OrchestratorStartedEvent(now) };
            CollectResults(history, mailbox, newEvents);
            foreach (var (timerId, timer) in history.OpenTimers)
            {
                if (timer.FireAt <= now)
                {
                    newEvents.Add(new TimerFiredEvent(now, timerId, timer.FireAt));
                }
            }

            var consumed = new List<string>();
            if (state.TakeInboxDirty())
            {
                foreach (var message in await store.ReadInboxAsync(state.InstanceId, token).ConfigureAwait(false))
                {
                    if (history.HasConsumed(message.Id))
                    {
                        // Recorded by an episode whose clean-up was interrupted.
                        await store.DeleteInboxMessageAsync(state.InstanceId, message.Id, token).ConfigureAwait(false);
                        continue;
                    }

                    consumed.Add(message.Id);
                    newEvents.Add(message.Kind == InboxMessageKind.Terminate
                        ? new ExecutionTerminatedEvent(now, message.Payload)
                        : new EventRaisedEvent(now, message.EventName ?? string.Empty, message.Payload));
                }
            }

            if (newEvents.Count == 1 && history.HasRunEpisode)
            {
                // Nothing to deliver: only make sure this process is working on what history says is outstanding
                // (after a restart nothing is, yet).
                state.RemoveFromMailbox(mailbox.Count);
                DispatchOutstandingWork(state, history, token);
                return;
            }

            var result = RunOrchestrator(state, history, newEvents);
            var batchEvents = new List<HistoryEvent>(newEvents.Count + result.Actions.Count + 1);
            batchEvents.AddRange(newEvents);
            AppendActionEvents(result.Actions, now, batchEvents);
            batchEvents.Add(new OrchestratorCompletedEvent(now));
            // The custom status is not history: it goes to the execution's status object once the batch is in. The
            // ending batch carries its final status too (once per execution, so history still does not grow with
            // episodes): a reader that sees the execution ended must not see the status object of an earlier episode,
            // which is what it would find between this append and the status write below.
            var batch = new HistoryBatch(batchEvents, result.Completion is null ? null : result.CustomStatus, consumed);
            var batchIndex = history.BatchCount;
            if (await store.TryAppendAsync(state.InstanceId, history.Generation, batchIndex, batch, token).ConfigureAwait(false) is not { } written)
            {
                // Another runtime recorded this episode first: reload its history and derive what is still new.
                LogAppendRace(logger, state.InstanceId, history.BatchCount);
                state.DiscardSession();
                state.ForgetHistory();
                state.MarkInboxDirty();
                continue;
            }

            history.Append(batch);
            var statusWritten = await WriteOrKeepStatusAsync(state, history, batchIndex, result, now, token).ConfigureAwait(false);
            state.PublishStatus(!history.IsFinished && history.ToSummary() is { } summary && statusWritten?.ETag is { } etag
                ? new LiveInstanceStatus(summary, statusWritten.Path, etag, store.BatchPath(state.InstanceId, history.Generation, batchIndex + 1))
                : null);
            state.SessionRecorded(history);
            state.RemoveFromMailbox(mailbox.Count);
            foreach (var id in consumed)
            {
                await store.DeleteInboxMessageAsync(state.InstanceId, id, token).ConfigureAwait(false);
            }

            if (result.Completion is { } completion)
            {
                state.DiscardSession();
                LogCompleted(logger, state.InstanceId, history.ExecutionStarted?.Name, completion.Status);
                if (history.ContinueAsNew is { } next)
                {
                    await StartNextExecutionAsync(state, history, next, token).ConfigureAwait(false);
                    NotifyChanged();
                    return;
                }

                instances.TryRemove(state.InstanceId, out _);
                finishedInstances.TryAdd(state.InstanceId, 0);
            }
            else
            {
                DispatchOutstandingWork(state, history, token);
            }

            NotifyChanged();
            return;
        }

        throw new IOException($"Instance '{state.InstanceId}' lost {MaxAppendRaces} history append races in a row in {store.Location}; another runtime is writing it continuously.");
    }

    /// <summary>
    /// The status object after this episode: written now when it is due (see <see cref="EmbeddedRuntimeOptions.StatusWriteInterval"/>),
    /// otherwise the newest status is kept in memory only and the object this runtime last wrote stays current (its
    /// ETag still vouches for the live status, since no other writer touched it).
    /// </summary>
    private async Task<ObjectInfo?> WriteOrKeepStatusAsync(InstanceWorkState state, InstanceHistory history, int batchIndex, OrchestratorResult result, DateTime now, CancellationToken token)
    {
        var statusPath = store.StatusPath(state.InstanceId, history.Generation);
        if (result.Completion is null && options.StatusWriteInterval > TimeSpan.Zero && history.ExecutionStarted is { } started &&
            state.LastStatusWrite is { } last && last.Object.Path == statusPath && now - last.At < options.StatusWriteInterval)
        {
            history.ApplyStatusRecord(new CustomStatusRecord(started.ExecutionId, batchIndex, result.CustomStatus));
            state.StatusWritePending = true;
            return last.Object;
        }

        var written = await TryWriteStatusAsync(state.InstanceId, history, batchIndex, result.CustomStatus, token).ConfigureAwait(false);
        state.LastStatusWrite = written is null ? null : (written, now);
        state.StatusWritePending = false;
        return written;
    }

    /// <summary>
    /// Writes the custom status of the episode recorded as <paramref name="batchIndex"/>, which this runtime has just
    /// appended (never after a lost append race, so the status never runs ahead of history). A failure is logged, not
    /// thrown: the status is advisory, readers keep seeing the previous one, and the next episode writes it again.
    /// </summary>
    private async Task<ObjectInfo?> TryWriteStatusAsync(string instanceId, InstanceHistory history, int batchIndex, string? customStatus, CancellationToken token)
    {
        if (history.ExecutionStarted is not { } started)
        {
            return null;
        }

        var record = new CustomStatusRecord(started.ExecutionId, batchIndex, customStatus);
        try
        {
            var written = await store.WriteStatusRecordAsync(instanceId, history.Generation, record, token).ConfigureAwait(false);
            history.ApplyStatusRecord(record);
            return written;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Advisory: losing one status write must not hold up the instance.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogStatusWriteFailed(logger, ex, instanceId, batchIndex);
            return null;
        }
    }

    private static void CollectResults(InstanceHistory history, List<(int Generation, HistoryEvent Event)> mailbox, List<HistoryEvent> newEvents)
    {
        var taken = new HashSet<int>();
        foreach (var (generation, result) in mailbox)
        {
            var taskId = result switch
            {
                TaskCompletedEvent c => c.TaskScheduledId,
                TaskFailedEvent f => f.TaskScheduledId,
                _ => -1,
            };

            // Results of an earlier execution, or duplicates of results already recorded (by us before a
            // reload, or by a racing runtime), are dropped.
            if (generation == history.Generation && history.IsAwaitingResult(taskId) && taken.Add(taskId))
            {
                newEvents.Add(result);
            }
        }
    }

    private OrchestratorResult RunOrchestrator(InstanceWorkState state, InstanceHistory history, List<HistoryEvent> newEvents)
    {
        if (state.SessionMatching(history) is { } live)
        {
            return live.RunEpisode([], newEvents);
        }

        state.DiscardSession();
        var name = history.ExecutionStarted?.Name ?? string.Empty;
        if (!registry.TryGetOrchestrator(name, out var factory))
        {
            var registered = string.Join(", ", registry.OrchestratorNames.Order(StringComparer.Ordinal));
            return new OrchestratorResult(
                [
                    new CompleteOrchestrationAction(
                        0,
                        OrchestrationStatus.Failed,
                        null,
                        new History.FailureDetails(
                            "OrchestratorNotFound",
                            $"No orchestrator named '{name}' is registered in this runtime (registered: {(registered.Length == 0 ? "none" : registered)}). "
                            + "Register it with DurableTaskRegistry.AddOrchestrator."),
                        []),
                ],
                null);
        }

        var scope = services.CreateScope();
        ITaskOrchestrator orchestrator;
        try
        {
            orchestrator = factory(scope.ServiceProvider);
        }
#pragma warning disable CA1031 // A constructor that throws fails the instance with the reason.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            scope.Dispose();
            return new OrchestratorResult([new CompleteOrchestrationAction(0, OrchestrationStatus.Failed, null, History.FailureDetails.FromException(ex), [])], null);
        }

        var session = executor.StartSession(orchestrator, name, scope);
        var result = session.RunEpisode(history.Events, newEvents);
        if (options.ExtendedSessions && !session.IsFinished)
        {
            state.KeepSession(session, history.Generation);
        }
        else
        {
            session.Dispose();
        }

        return result;
    }

    private static void AppendActionEvents(IReadOnlyList<OrchestratorAction> actions, DateTime now, List<HistoryEvent> events)
    {
        foreach (var action in actions)
        {
            switch (action)
            {
                case ScheduleTaskAction task:
                    events.Add(new TaskScheduledEvent(task.Id, now, task.Name, task.Input));
                    break;
                case CreateTimerAction timer:
                    events.Add(new TimerCreatedEvent(timer.Id, now, timer.FireAt));
                    break;
                case CompleteOrchestrationAction { Status: OrchestrationStatus.ContinuedAsNew } continued:
                    events.Add(new ContinueAsNewEvent(now, continued.Result, continued.CarryoverEvents));
                    break;
                case CompleteOrchestrationAction complete:
                    events.Add(new ExecutionCompletedEvent(now, complete.Status, complete.Result, complete.FailureDetails));
                    break;
                default:
                    throw new NotSupportedException($"The embedded runtime does not support orchestrator action {action.GetType().Name}.");
            }
        }
    }

    private async Task StartNextExecutionAsync(InstanceWorkState state, InstanceHistory history, ContinueAsNewEvent continued, CancellationToken token)
    {
        var now = options.TimeProvider.GetUtcNow().UtcDateTime;
        var name = history.ExecutionStarted?.Name ?? string.Empty;
        var events = new List<HistoryEvent>(1 + continued.CarryoverEvents.Count)
        {
            new ExecutionStartedEvent(now, name, state.InstanceId, Guid.NewGuid().ToString("N"), continued.Input),
        };
        events.AddRange(continued.CarryoverEvents);
        var nextGeneration = history.Generation + 1;

        // Losing this race means another runtime already started the next execution: same outcome.
        await store.TryAppendAsync(state.InstanceId, nextGeneration, 0, new HistoryBatch(events, null, []), token).ConfigureAwait(false);
        await store.DeleteGenerationsBelowAsync(state.InstanceId, nextGeneration, token).ConfigureAwait(false);
        state.ForgetHistory();
        state.ResetDispatch(nextGeneration);

        // The new execution's first episode runs as its own work item.
        Signal(state);
    }

    private void DispatchOutstandingWork(InstanceWorkState state, InstanceHistory history, CancellationToken token)
    {
        var executionId = history.ExecutionStarted?.ExecutionId ?? string.Empty;
        foreach (var (taskId, scheduled) in history.OutstandingActivities)
        {
            if (state.DispatchedActivities.Add(taskId))
            {
                activityQueue.Writer.TryWrite(new ActivityWorkItem(state, history.Generation, executionId, taskId, scheduled.Name, scheduled.Input));
            }
        }

        foreach (var (timerId, timer) in history.OpenTimers)
        {
            if (state.ArmedTimers.Add(timerId))
            {
                _ = WakeAtAsync(state, timer.FireAt, token);
            }
        }
    }

    private async Task WakeAtAsync(InstanceWorkState state, DateTime fireAt, CancellationToken token)
    {
        try
        {
            // Task.Delay runs on a different clock than UtcNow and may wake a little early; the episode only
            // fires timers that are due by the clock it records, so wait until that clock agrees.
            for (var remaining = fireAt - options.TimeProvider.GetUtcNow().UtcDateTime;
                 remaining > TimeSpan.Zero;
                 remaining = fireAt - options.TimeProvider.GetUtcNow().UtcDateTime)
            {
                await Task.Delay(remaining + TimeSpan.FromMilliseconds(1), options.TimeProvider, token).ConfigureAwait(false);
            }

            Signal(state);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RunActivityWorkerAsync()
    {
        var token = stopping.Token;
        try
        {
            await foreach (var item in activityQueue.Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                Interlocked.Increment(ref activitiesInFlight);
                HistoryEvent outcome;
                try
                {
                    outcome = await RunActivityAsync(item, token).ConfigureAwait(false);
                }
                finally
                {
                    Interlocked.Decrement(ref activitiesInFlight);
                }

                if (token.IsCancellationRequested)
                {
                    // Not recorded: history still shows the task as outstanding and the next start runs it again.
                    return;
                }

                item.Instance.Post(item.Generation, outcome);
                Signal(item.Instance);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }

    private async Task<HistoryEvent> RunActivityAsync(ActivityWorkItem item, CancellationToken token)
    {
        if (!registry.TryGetActivity(item.Name, out var factory))
        {
            var registered = string.Join(", ", registry.ActivityNames.Order(StringComparer.Ordinal));
            return new TaskFailedEvent(
                options.TimeProvider.GetUtcNow().UtcDateTime,
                item.TaskId,
                new History.FailureDetails(
                    "ActivityNotFound",
                    $"No activity named '{item.Name}' is registered in this runtime (registered: {(registered.Length == 0 ? "none" : registered)}). "
                    + "Register it with DurableTaskRegistry.AddActivity."));
        }

        try
        {
            var scope = services.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                var activity = factory(scope.ServiceProvider);
                var input = options.DataConverter.Deserialize(item.Input, activity.InputType);
                var context = new EmbeddedActivityContext(new TaskName(item.Name), item.Instance.InstanceId, item.ExecutionId, item.TaskId, token);
                var output = await activity.RunAsync(context, input).ConfigureAwait(false);
                return new TaskCompletedEvent(
                    options.TimeProvider.GetUtcNow().UtcDateTime,
                    item.TaskId,
                    options.DataConverter.Serialize(output, activity.OutputType));
            }
        }
#pragma warning disable CA1031 // Every activity exception becomes a recorded failure the orchestrator can handle.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return new TaskFailedEvent(options.TimeProvider.GetUtcNow().UtcDateTime, item.TaskId, History.FailureDetails.FromException(ex));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Durable runtime started on {Location}: {InstanceCount} instance(s) found, {ActivityWorkers} activity worker(s)")]
    private static partial void LogStarted(ILogger logger, string location, int instanceCount, int activityWorkers);

    [LoggerMessage(Level = LogLevel.Information, Message = "Orchestration {InstanceId} ({Name}) finished as {Status}")]
    private static partial void LogCompleted(ILogger logger, string instanceId, string? name, OrchestrationStatus status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Episode of orchestration {InstanceId} failed; retrying in {Delay}")]
    private static partial void LogEpisodeFailed(ILogger logger, Exception exception, string instanceId, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scanning {Location} for durable work failed; retrying at the next interval")]
    private static partial void LogScanFailed(ILogger logger, Exception exception, string location);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Orchestration {InstanceId}: writing the custom status of history batch {BatchIndex} failed; readers see the previous status until the next episode")]
    private static partial void LogStatusWriteFailed(ILogger logger, Exception exception, string instanceId, int batchIndex);

    [LoggerMessage(Level = LogLevel.Information, Message = "Orchestration {InstanceId}: history batch {BatchIndex} was written by another runtime; reloading")]
    private static partial void LogAppendRace(ILogger logger, string instanceId, int batchIndex);
}
