using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using DurableTask.Core;
using DurableTask.Core.Exceptions;
using DurableTask.Core.History;
using DurableTask.Core.Query;
using Microsoft.Extensions.Logging;

namespace Serverless.Orchestrations.Embedded;

/// <summary>
/// A DurableTask.Core orchestration service kept in a local state folder, for the SDK's sidecar gRPC server to run
/// orchestrations on. Per instance (folder <c>instances/{id}</c>): <c>b-*.json</c> one committed episode each
/// (<see cref="EpisodeBatch"/>), <c>m-*.json</c> messages waiting for the next episode (starts, raised events, activity
/// results, timers), <c>a-*.json</c> activities scheduled and not yet completed. What a call acknowledges is on disk
/// before it returns, so a kill -9 loses nothing acknowledged: on open, waiting messages and activities are queued
/// again and timers re-armed; only activities that were running (no result file yet) run a second time.
/// One process at a time: the folder is locked while open.
/// </summary>
public sealed class FileOrchestrationService :
    IOrchestrationService, IOrchestrationServiceClient, IOrchestrationServicePurgeClient, IDisposable
{
    readonly string instancesDirectory;
    readonly FileStream folderLock;
    readonly ILogger logger;
    readonly ConcurrentDictionary<string, InstanceRecord> instances = new(StringComparer.Ordinal);
    readonly Channel<InstanceRecord> ready = Channel.CreateUnbounded<InstanceRecord>();
    readonly Channel<TaskActivityWorkItem> activities = Channel.CreateUnbounded<TaskActivityWorkItem>();
    readonly CancellationTokenSource closing = new();

    // Activities in flight: taken before a work item is handed out, returned when it completes or is abandoned. The
    // dispatcher is told a limit it never reaches (at its limit it polls every 500 ms); this one waits without polling.
    readonly SemaphoreSlim activitySlots;
    readonly bool flushToDisk;

    const int DispatcherLimit = 100_000;

    FileOrchestrationService(string stateFolder, FileStream folderLock, FileOrchestrationServiceOptions options, ILogger logger)
    {
        this.StateFolderPath = stateFolder;
        this.instancesDirectory = StateFolder.InstancesDirectory(stateFolder);
        this.folderLock = folderLock;
        this.logger = logger;
        this.flushToDisk = options.FlushToDisk;
        this.activitySlots = new SemaphoreSlim(options.MaxConcurrentActivities, options.MaxConcurrentActivities);
        this.MaxConcurrentTaskActivityWorkItems = DispatcherLimit;
        this.MaxConcurrentTaskOrchestrationWorkItems = options.MaxConcurrentOrchestrations;
    }

    public string StateFolderPath { get; }

    public int TaskOrchestrationDispatcherCount => 1;

    public int MaxConcurrentTaskOrchestrationWorkItems { get; }

    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => BehaviorOnContinueAsNew.Carryover;

    public int TaskActivityDispatcherCount => 1;

    public int MaxConcurrentTaskActivityWorkItems { get; }

    /// <summary>Opens (creating if needed) the state folder, locks it for this process and loads what it holds.</summary>
    public static FileOrchestrationService Open(string stateFolder, FileOrchestrationServiceOptions options, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateFolder);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        Directory.CreateDirectory(StateFolder.InstancesDirectory(stateFolder));
        FileStream folderLock;
        try
        {
            folderLock = new FileStream(Path.Combine(stateFolder, "hub.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new IOException(
                $"The orchestration state folder {stateFolder} is in use by another process; stop it or use another state folder.", e);
        }

        var service = new FileOrchestrationService(stateFolder, folderLock, options, logger);
        try
        {
            service.Load();
        }
        catch
        {
            service.Dispose();
            throw;
        }

        return service;
    }

    public void Dispose()
    {
        this.closing.Cancel();
        this.closing.Dispose();
        this.activitySlots.Dispose();
        this.folderLock.Dispose();
    }

    // ---- Orchestration work items ----

    public async Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        while (true)
        {
            var record = await this.ready.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            lock (record)
            {
                record.Queued = false;
                if (record.Locked)
                {
                    continue;
                }

                this.DropStaleMessages(record);
                if (!record.IsRunnable)
                {
                    continue;
                }

                record.Locked = true;
                record.Delivered = [.. record.Pending];
                record.Pending.Clear();
                var startsNewExecution = record.Delivered.Exists(p =>
                    p.Message.Event is ExecutionStartedEvent s && s.OrchestrationInstance.ExecutionId != record.ExecutionId);
                var runtimeState = startsNewExecution ? new OrchestrationRuntimeState() : new OrchestrationRuntimeState(record.History);
                return new TaskOrchestrationWorkItem
                {
                    InstanceId = record.InstanceId,
                    OrchestrationRuntimeState = runtimeState,
                    NewMessages = record.Delivered.ConvertAll(p => p.Message),
                    LockedUntilUtc = DateTime.MaxValue,
                };
            }
        }
    }

    public Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem,
        OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages,
        IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage,
        OrchestrationState orchestrationState)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        ArgumentNullException.ThrowIfNull(newOrchestrationRuntimeState);
        var record = this.instances[workItem.InstanceId];
        var executionId = newOrchestrationRuntimeState.OrchestrationInstance!.ExecutionId;
        var messages = new List<TaskMessage>(orchestratorMessages ?? []);
        if (continuedAsNewMessage is not null)
        {
            messages.Add(continuedAsNewMessage);
        }

        EpisodeBatch batch;
        long batchNumber;
        lock (record)
        {
            var newExecution = executionId != record.ExecutionId;
            batch = new EpisodeBatch
            {
                ExecutionId = executionId,
                NewExecution = newExecution,
                Events = [.. newExecution ? newOrchestrationRuntimeState.Events : newOrchestrationRuntimeState.NewEvents],
                Status = orchestrationState ?? StatusOf(newOrchestrationRuntimeState),
                Consumed = record.Delivered.ConvertAll(p => p.Name),
                Activities = [.. outboundMessages ?? []],
                Timers = [.. timerMessages ?? []],
                Messages = messages,
            };
            batchNumber = record.NextBatch;
        }

        // The commit point: once this file is renamed into place the episode happened.
        StateFolder.WriteAtomic(BatchPath(record, batchNumber), HistoryJson.Serialize(batch), this.flushToDisk);

        lock (record)
        {
            if (batch.NewExecution)
            {
                record.History = [.. batch.Events];
                record.Consumed = new HashSet<string>(batch.Consumed, StringComparer.Ordinal);
            }
            else
            {
                record.History.AddRange(batch.Events);
                record.Consumed.UnionWith(batch.Consumed);
            }

            record.ExecutionId = batch.ExecutionId;
            record.Status = batch.Status;
            record.NextBatch = batchNumber + 1;
            foreach (var consumed in record.Delivered)
            {
                record.Present.Remove(consumed.Name);
            }

            record.Delivered = [];
            record.SignalChanged();
        }

        this.ApplySends(record, batchNumber, batch);
        foreach (var name in batch.Consumed)
        {
            StateFolder.DeleteIfExists(MessagePath(record, name));
        }

        if (batch.NewExecution)
        {
            DeleteBatchesBefore(record, batchNumber);
        }

        return Task.CompletedTask;
    }

    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        var record = this.instances[workItem.InstanceId];
        lock (record)
        {
            record.Pending.InsertRange(0, record.Delivered);
            record.Delivered = [];
        }

        this.logger.LogWarning("Episode of orchestration {InstanceId} abandoned; its messages wait for the next one", workItem.InstanceId);
        return Task.CompletedTask;
    }

    public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        var record = this.instances[workItem.InstanceId];
        lock (record)
        {
            record.Locked = false;
            this.ScheduleIfRunnable(record);

            // A purge waiting for the episode that ended the instance goes on now.
            record.SignalChanged();
        }

        return Task.CompletedTask;
    }

    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => Task.CompletedTask;

    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) => false;

    // ---- Activity work items ----

    public async Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        await this.activitySlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await this.activities.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            this.activitySlots.Release();
            throw;
        }
    }

    public Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        ArgumentNullException.ThrowIfNull(responseMessage);
        var scheduled = (TaskScheduledEvent)workItem.TaskMessage.Event;
        var instance = workItem.TaskMessage.OrchestrationInstance;
        var record = this.GetOrAddRecord(instance.InstanceId);

        // Result first, then the activity file: a crash in between leaves both, and opening drops the activity.
        this.Deliver(record, ResultName(instance.ExecutionId, scheduled.EventId), responseMessage);
        StateFolder.DeleteIfExists(ActivityPath(record, instance.ExecutionId, scheduled.EventId));
        this.activitySlots.Release();
        return Task.CompletedTask;
    }

    public Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        this.activities.Writer.TryWrite(workItem);
        this.activitySlots.Release();
        return Task.CompletedTask;
    }

    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => Task.FromResult(workItem);

    // ---- Client ----

    public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage) =>
        this.CreateTaskOrchestrationAsync(creationMessage, [OrchestrationStatus.Pending, OrchestrationStatus.Running]);

    public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage, OrchestrationStatus[] dedupeStatuses)
    {
        ArgumentNullException.ThrowIfNull(creationMessage);
        var start = (ExecutionStartedEvent)creationMessage.Event;
        var record = this.GetOrAddRecord(creationMessage.OrchestrationInstance.InstanceId);
        lock (record)
        {
            var current = record.HasStartMessage ? OrchestrationStatus.Pending : record.Status?.OrchestrationStatus;
            if (current is { } status && dedupeStatuses is not null && dedupeStatuses.Contains(status))
            {
                throw new OrchestrationAlreadyExistsException(
                    $"An orchestration with id '{record.InstanceId}' already exists and is {status}; pick another instance id or wait for it to finish.");
            }

            this.Deliver(record, "start-" + start.OrchestrationInstance.ExecutionId, creationMessage);
            record.Status = PendingStatus(start);
            record.SignalChanged();
        }

        return Task.CompletedTask;
    }

    public Task SendTaskOrchestrationMessageAsync(TaskMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        this.Deliver(this.GetOrAddRecord(message.OrchestrationInstance.InstanceId), "ev-" + Guid.NewGuid().ToString("N"), message);
        return Task.CompletedTask;
    }

    public async Task SendTaskOrchestrationMessageBatchAsync(params TaskMessage[] messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages)
        {
            await this.SendTaskOrchestrationMessageAsync(message).ConfigureAwait(false);
        }
    }

    public Task ForceTerminateTaskOrchestrationAsync(string instanceId, string reason) =>
        this.SendTaskOrchestrationMessageAsync(new TaskMessage
        {
            OrchestrationInstance = new OrchestrationInstance { InstanceId = instanceId },
            Event = new ExecutionTerminatedEvent(-1, reason),
        });

    public async Task<OrchestrationState> WaitForOrchestrationAsync(
        string instanceId, string executionId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = timeout > TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan
            ? new CancellationTokenSource(timeout)
            : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        while (true)
        {
            Task changed;
            var record = this.GetOrAddRecord(instanceId);
            lock (record)
            {
                if (record.IsTerminal && !record.HasStartMessage && (executionId is null || executionId == record.ExecutionId))
                {
                    return record.Status!;
                }

                changed = record.Changed.Task;
            }

            await changed.WaitAsync(linked.Token).ConfigureAwait(false);
        }
    }

    public Task<IList<OrchestrationState>> GetOrchestrationStateAsync(string instanceId, bool allExecutions)
    {
        var state = this.StateOf(instanceId, executionId: null);
        return Task.FromResult<IList<OrchestrationState>>(state is null ? [] : [state]);
    }

    public Task<OrchestrationState> GetOrchestrationStateAsync(string instanceId, string executionId) =>
        Task.FromResult(this.StateOf(instanceId, executionId)!);

    public Task<string> GetOrchestrationHistoryAsync(string instanceId, string executionId)
    {
        if (!this.instances.TryGetValue(instanceId, out var record))
        {
            return Task.FromResult("[]");
        }

        lock (record)
        {
            return Task.FromResult(HistoryJson.Serialize(record.History));
        }
    }

    public Task PurgeOrchestrationHistoryAsync(DateTime thresholdDateTimeUtc, OrchestrationStateTimeRangeFilterType timeRangeFilterType) =>
        this.PurgeInstanceStateAsync(new PurgeInstanceFilter(DateTime.MinValue, thresholdDateTimeUtc, null));

    public async Task<PurgeResult> PurgeInstanceStateAsync(string instanceId)
    {
        // A client sees the terminal status as soon as the episode's batch is committed, a moment before the
        // dispatcher releases the episode; a purge in that moment waits for the release instead of reporting 0.
        while (this.instances.TryGetValue(instanceId, out var record))
        {
            Task released;
            lock (record)
            {
                if (!record.IsTerminal || !record.Locked)
                {
                    break;
                }

                released = record.Changed.Task;
            }

            await released.WaitAsync(this.closing.Token).ConfigureAwait(false);
        }

        return new PurgeResult(this.TryPurge(instanceId) ? 1 : 0);
    }

    public Task<PurgeResult> PurgeInstanceStateAsync(PurgeInstanceFilter purgeInstanceFilter)
    {
        ArgumentNullException.ThrowIfNull(purgeInstanceFilter);
        var purged = 0;
        foreach (var record in this.instances.Values)
        {
            OrchestrationState? status;
            lock (record)
            {
                status = record.Status;
            }

            if (status is not null
                && status.CreatedTime >= purgeInstanceFilter.CreatedTimeFrom
                && (purgeInstanceFilter.CreatedTimeTo is null || status.CreatedTime <= purgeInstanceFilter.CreatedTimeTo)
                && (purgeInstanceFilter.RuntimeStatus is null || !purgeInstanceFilter.RuntimeStatus.Any()
                    || purgeInstanceFilter.RuntimeStatus.Contains(status.OrchestrationStatus))
                && this.TryPurge(record.InstanceId))
            {
                purged++;
            }
        }

        return Task.FromResult(new PurgeResult(purged));
    }

    // ---- Service lifetime (the state folder is created and loaded by Open) ----

    public Task CreateAsync() => Task.CompletedTask;

    public Task CreateAsync(bool recreateInstanceStore) => Task.CompletedTask;

    public Task CreateIfNotExistsAsync() => Task.CompletedTask;

    public Task DeleteAsync() => Task.CompletedTask;

    public Task DeleteAsync(bool deleteInstanceStore) => Task.CompletedTask;

    public Task StartAsync() => Task.CompletedTask;

    public Task StopAsync() => Task.CompletedTask;

    public Task StopAsync(bool isForced) => Task.CompletedTask;

    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => exception is OperationCanceledException ? 0 : 1;

    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => exception is OperationCanceledException ? 0 : 1;

    // ---- Internals ----

    InstanceRecord GetOrAddRecord(string instanceId) =>
        this.instances.GetOrAdd(instanceId, id => new InstanceRecord(id, Path.Combine(this.instancesDirectory, StateFolder.EncodeName(id))));

    OrchestrationState? StateOf(string instanceId, string? executionId)
    {
        if (!this.instances.TryGetValue(instanceId, out var record))
        {
            return null;
        }

        lock (record)
        {
            var status = record.Status;
            return status is null || (executionId is not null && status.OrchestrationInstance.ExecutionId != executionId) ? null : status;
        }
    }

    /// <summary>Writes a message file (unless one of that name is present or was consumed) and makes it due or arms its timer.</summary>
    void Deliver(InstanceRecord record, string name, TaskMessage message)
    {
        lock (record)
        {
            if (record.Present.Contains(name) || record.Consumed.Contains(name))
            {
                return;
            }

            Directory.CreateDirectory(record.Directory);
            StateFolder.WriteAtomic(MessagePath(record, name), HistoryJson.Serialize(message), this.flushToDisk);
            record.Present.Add(name);
        }

        this.Arm(record, new PendingMessage(name, message));
    }

    /// <summary>Makes a message due now, or when its timer fires.</summary>
    void Arm(InstanceRecord record, PendingMessage pending)
    {
        var fireAt = pending.Message.Event switch
        {
            TimerFiredEvent timer => timer.FireAt,
            ExecutionStartedEvent { ScheduledStartTime: { } scheduled } => scheduled,
            _ => DateTime.MinValue,
        };
        var delay = fireAt - DateTime.UtcNow;
        if (delay <= TimeSpan.Zero)
        {
            lock (record)
            {
                record.Pending.Add(pending);
                this.ScheduleIfRunnable(record);
            }

            return;
        }

        _ = this.FireLaterAsync(record, pending, delay);
    }

    async Task FireLaterAsync(InstanceRecord record, PendingMessage pending, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, this.closing.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return; // Closing: the timer file stays and is armed again on the next open.
        }

        lock (record)
        {
            record.Pending.Add(pending);
            this.ScheduleIfRunnable(record);
        }
    }

    void ScheduleIfRunnable(InstanceRecord record)
    {
        if (!record.Locked && !record.Queued && record.IsRunnable)
        {
            record.Queued = true;
            this.ready.Writer.TryWrite(record);
        }
    }

    /// <summary>
    /// Deletes messages no episode may see: everything sent to a finished execution, and results or timers of an
    /// execution that continued as new or was restarted (their ids would collide with the new execution's).
    /// </summary>
    void DropStaleMessages(InstanceRecord record)
    {
        var newStart = record.Pending.Find(p => p.Message.Event is ExecutionStartedEvent);
        var liveExecution = newStart?.Message.OrchestrationInstance.ExecutionId ?? record.ExecutionId;
        var dropAll = newStart is null && record.IsTerminal;
        record.Pending.RemoveAll(p =>
        {
            var execution = p.Message.OrchestrationInstance.ExecutionId;
            var stale = dropAll || (p.Message.Event is not ExecutionStartedEvent && execution is not null && execution != liveExecution)
                || (p.Message.Event is ExecutionStartedEvent && p != newStart);
            if (stale)
            {
                StateFolder.DeleteIfExists(MessagePath(record, p.Name));
                record.Present.Remove(p.Name);
            }

            return stale;
        });
    }

    /// <summary>Applies a committed batch's sends; each has a fixed name, so applying a batch twice sends nothing twice.</summary>
    void ApplySends(InstanceRecord record, long batchNumber, EpisodeBatch batch)
    {
        foreach (var activity in batch.Activities)
        {
            var taskId = ((TaskScheduledEvent)activity.Event).EventId;
            var path = ActivityPath(record, batch.ExecutionId, taskId);
            string resultName = ResultName(batch.ExecutionId, taskId);
            lock (record)
            {
                if (record.Present.Contains(resultName) || record.Consumed.Contains(resultName))
                {
                    continue; // it ran and its result is in: a second run would be a duplicate
                }
            }

            if (File.Exists(path))
            {
                continue; // queued already, when the state folder was opened
            }

            StateFolder.WriteAtomic(path, HistoryJson.Serialize(activity), this.flushToDisk);
            this.QueueActivity(activity, path);
        }

        foreach (var timer in batch.Timers)
        {
            var timerId = ((TimerFiredEvent)timer.Event).TimerId;
            this.Deliver(record, $"tmr-{batch.ExecutionId}-{timerId}", timer);
        }

        for (var i = 0; i < batch.Messages.Count; i++)
        {
            var message = batch.Messages[i];
            var target = this.GetOrAddRecord(message.OrchestrationInstance.InstanceId);
            var name = message.Event is ExecutionStartedEvent started
                ? "start-" + started.OrchestrationInstance.ExecutionId
                : $"msg-{StateFolder.EncodeName(record.InstanceId)}-{batch.ExecutionId}-{batchNumber}-{i}";
            this.Deliver(target, name, message);
        }
    }

    void QueueActivity(TaskMessage activity, string path) =>
        this.activities.Writer.TryWrite(new TaskActivityWorkItem
        {
            Id = Path.GetFileNameWithoutExtension(path),
            TaskMessage = activity,
            LockedUntilUtc = DateTime.MaxValue,
        });

    bool TryPurge(string instanceId)
    {
        if (!this.instances.TryGetValue(instanceId, out var record))
        {
            return false;
        }

        lock (record)
        {
            if (!record.IsTerminal || record.Locked || record.Pending.Count > 0)
            {
                return false;
            }

            Directory.Delete(record.Directory, recursive: true);
            this.instances.TryRemove(instanceId, out _);
            return true;
        }
    }

    /// <summary>Rebuilds every instance from its folder and queues what a crash interrupted.</summary>
    void Load()
    {
        var unfinished = new List<(InstanceRecord Record, long Number, EpisodeBatch Batch)>();
        var loaded = 0;
        foreach (var directory in Directory.EnumerateDirectories(this.instancesDirectory))
        {
            StateFolder.DeleteTemporaryFiles(directory);
            var record = this.GetOrAddRecord(StateFolder.DecodeName(Path.GetFileName(directory)));
            EpisodeBatch? last = null;
            long lastNumber = -1;
            foreach (var path in Directory.EnumerateFiles(directory, StateFolder.BatchPrefix + "*.json").Order(StringComparer.Ordinal))
            {
                var batch = HistoryJson.Deserialize<EpisodeBatch>(File.ReadAllText(path), path);
                if (batch.NewExecution)
                {
                    record.History = [];
                    record.Consumed = new HashSet<string>(StringComparer.Ordinal);
                }

                record.History.AddRange(batch.Events);
                record.Consumed.UnionWith(batch.Consumed);
                record.ExecutionId = batch.ExecutionId;
                record.Status = batch.Status;
                last = batch;
                lastNumber = long.Parse(Path.GetFileNameWithoutExtension(path)[StateFolder.BatchPrefix.Length..], CultureInfo.InvariantCulture);
            }

            record.NextBatch = lastNumber + 1;
            foreach (var path in Directory.EnumerateFiles(directory, StateFolder.MessagePrefix + "*.json").Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileNameWithoutExtension(path)[StateFolder.MessagePrefix.Length..];
                if (record.Consumed.Contains(name))
                {
                    File.Delete(path); // consumed by a committed episode; the crash came before the delete
                    continue;
                }

                var message = HistoryJson.Deserialize<TaskMessage>(File.ReadAllText(path), path);
                record.Present.Add(name);
                if (message.Event is ExecutionStartedEvent start && start.OrchestrationInstance.ExecutionId != record.ExecutionId)
                {
                    record.Status = PendingStatus(start);
                }

                this.Arm(record, new PendingMessage(name, message));
            }

            foreach (var path in Directory.EnumerateFiles(directory, StateFolder.ActivityPrefix + "*.json"))
            {
                var activity = HistoryJson.Deserialize<TaskMessage>(File.ReadAllText(path), path);
                var execution = activity.OrchestrationInstance.ExecutionId;
                var resultName = ResultName(execution, activity.Event.EventId);
                if (execution != record.ExecutionId || record.IsTerminal
                    || record.Present.Contains(resultName) || record.Consumed.Contains(resultName))
                {
                    File.Delete(path); // its result is in, or its execution is over
                    continue;
                }

                this.QueueActivity(activity, path);
            }

            if (last is not null && !record.IsTerminal)
            {
                unfinished.Add((record, lastNumber, last));
            }

            loaded++;
        }

        // The crash may have come between an instance's last commit and its sends. Applied once every instance is
        // loaded, so a message another instance already consumed is known as consumed and not sent again.
        foreach (var (record, number, batch) in unfinished)
        {
            this.ApplySends(record, number, batch);
        }

        this.logger.LogInformation("Opened orchestration state folder {StateFolder} with {Instances} instances", this.StateFolderPath, loaded);
    }

    static string BatchPath(InstanceRecord record, long batchNumber) =>
        Path.Combine(record.Directory, $"{StateFolder.BatchPrefix}{batchNumber:D10}.json");

    static string MessagePath(InstanceRecord record, string name) =>
        Path.Combine(record.Directory, $"{StateFolder.MessagePrefix}{name}.json");

    static string ActivityPath(InstanceRecord record, string executionId, int taskId) =>
        Path.Combine(record.Directory, $"{StateFolder.ActivityPrefix}{executionId}-{taskId}.json");

    static string ResultName(string executionId, int taskId) => $"res-{executionId}-{taskId}";

    static void DeleteBatchesBefore(InstanceRecord record, long batchNumber)
    {
        foreach (var path in Directory.EnumerateFiles(record.Directory, StateFolder.BatchPrefix + "*.json"))
        {
            if (string.CompareOrdinal(path, BatchPath(record, batchNumber)) < 0)
            {
                File.Delete(path);
            }
        }
    }

    static OrchestrationState PendingStatus(ExecutionStartedEvent start) => new()
    {
        OrchestrationInstance = start.OrchestrationInstance,
        Name = start.Name,
        Version = start.Version,
        Input = start.Input,
        Tags = start.Tags,
        OrchestrationStatus = OrchestrationStatus.Pending,
        ScheduledStartTime = start.ScheduledStartTime,
        CreatedTime = DateTime.UtcNow,
        LastUpdatedTime = DateTime.UtcNow,
    };

    static OrchestrationState StatusOf(OrchestrationRuntimeState state) => new()
    {
        OrchestrationInstance = state.OrchestrationInstance,
        Name = state.Name,
        Version = state.Version,
        Status = state.Status,
        Tags = state.Tags,
        OrchestrationStatus = state.OrchestrationStatus,
        Input = state.Input,
        Output = state.Output,
        FailureDetails = state.FailureDetails,
        CreatedTime = state.CreatedTime,
        CompletedTime = state.CompletedTime,
        LastUpdatedTime = DateTime.UtcNow,
    };
}
