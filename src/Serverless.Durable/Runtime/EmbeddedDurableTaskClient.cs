using System.Globalization;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Serverless.Durable.History;
using Serverless.Durable.Runtime.Storage;

namespace Serverless.Durable.Runtime;

/// <summary>
/// The client of <see cref="EmbeddedDurableRuntime"/>, as the SDK's <see cref="DurableTaskClient"/>: code written
/// against the SDK's client (the function app's job API) runs on it unchanged. Every request is persisted in the store
/// before it returns. Inputs and outputs are always returned (reading them costs nothing extra here), whatever
/// <c>getInputsAndOutputs</c> says. Not supported, with <see cref="NotSupportedException"/> naming the member:
/// suspend and resume, scheduled starts (<see cref="StartOrchestrationOptions.StartAt"/>), queries over all instances,
/// purging by filter, restart and rewind, and the SDK's history type (<see cref="GetHistoryAsync"/> returns this runtime's).
/// </summary>
public sealed class EmbeddedDurableTaskClient : DurableTaskClient
{
    private static long lastMessageTicks;

    private readonly EmbeddedDurableRuntime runtime;

    internal EmbeddedDurableTaskClient(EmbeddedDurableRuntime runtime)
        : base(runtime.Options.HubName)
    {
        this.runtime = runtime;
    }

    public override async Task<string> ScheduleNewOrchestrationInstanceAsync(
        TaskName orchestratorName,
        object? input = null,
        StartOrchestrationOptions? options = null,
        CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(orchestratorName.Name, nameof(orchestratorName));
        if (options?.StartAt is not null)
        {
            throw Unsupported($"{nameof(ScheduleNewOrchestrationInstanceAsync)} with {nameof(StartOrchestrationOptions)}.{nameof(StartOrchestrationOptions.StartAt)}", "start the instance when it is due, or wait on a durable timer in the orchestrator");
        }

        var cancellationToken = cancellation;
        var instanceId = options?.InstanceId;
        if (!runtime.Registry.TryGetOrchestrator(orchestratorName.Name, out _))
        {
            var registered = string.Join(", ", runtime.Registry.OrchestratorNames.Order(StringComparer.Ordinal));
            throw new ArgumentException(
                $"No orchestrator named '{orchestratorName}' is registered (registered: {(registered.Length == 0 ? "none" : registered)}).",
                nameof(orchestratorName));
        }

        instanceId ??= Guid.NewGuid().ToString("N");
        InstanceStore.ValidateInstanceId(instanceId);
        if (await runtime.Store.ReadSummaryAsync(instanceId, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            throw AlreadyExists(instanceId, existing.RuntimeStatus);
        }

        var now = runtime.Options.TimeProvider.GetUtcNow().UtcDateTime;
        var started = new ExecutionStartedEvent(now, orchestratorName.Name, instanceId, Guid.NewGuid().ToString("N"), runtime.Options.DataConverter.Serialize(input));
        if (await runtime.Store.TryAppendAsync(instanceId, 0, 0, new HistoryBatch([started], null, []), cancellationToken).ConfigureAwait(false) is null)
        {
            throw AlreadyExists(instanceId, OrchestrationStatus.Pending);
        }

        runtime.Signal(instanceId);
        return instanceId;
    }

    public override async Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        // Polled for live progress: answered from this runtime's memory when the store confirms it is current,
        // otherwise from two batches of the current execution; never from the whole history.
        InstanceStore.ValidateInstanceId(instanceId);
        var summary = await ReadLiveSummaryAsync(instanceId, cancellation).ConfigureAwait(false)
            ?? await runtime.Store.ReadSummaryAsync(instanceId, cancellation).ConfigureAwait(false);
        return summary is null ? null : ToMetadata(instanceId, summary, runtime.Options.DataConverter);
    }

    internal static OrchestrationMetadata ToMetadata(string instanceId, InstanceSummary summary, DurableDataConverter converter) =>
        new(summary.Started.Name, instanceId)
        {
            DataConverter = converter,
            RuntimeStatus = ToRuntimeStatus(summary.RuntimeStatus),
            CreatedAt = new DateTimeOffset(DateTime.SpecifyKind(summary.Started.Timestamp, DateTimeKind.Utc)),
            LastUpdatedAt = new DateTimeOffset(DateTime.SpecifyKind(summary.LastUpdatedAt, DateTimeKind.Utc)),
            SerializedInput = summary.Started.Input,
            SerializedOutput = summary.Completed?.Result,
            SerializedCustomStatus = summary.CustomStatus,
            FailureDetails = summary.Completed?.FailureDetails?.ToTaskFailureDetails(),
        };

    /// <summary>The SDK's status for a status recorded in history (ContinuedAsNew, which the SDK no longer reports, reads as Running).</summary>
    public static OrchestrationRuntimeStatus ToRuntimeStatus(OrchestrationStatus status) => status switch
    {
        OrchestrationStatus.Pending => OrchestrationRuntimeStatus.Pending,
        OrchestrationStatus.Running => OrchestrationRuntimeStatus.Running,
        OrchestrationStatus.Completed => OrchestrationRuntimeStatus.Completed,
        OrchestrationStatus.ContinuedAsNew => OrchestrationRuntimeStatus.Running, // the next execution is starting; the SDK marks this status obsolete
        OrchestrationStatus.Failed => OrchestrationRuntimeStatus.Failed,
        OrchestrationStatus.Terminated => OrchestrationRuntimeStatus.Terminated,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not a recorded orchestration status."),
    };

    public override async Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        InstanceStore.ValidateInstanceId(instanceId);
        while (true)
        {
            var change = runtime.ChangeSignal;
            var metadata = await GetInstancesAsync(instanceId, getInputsAndOutputs, cancellation).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"No orchestration instance '{instanceId}' exists in {runtime.Store.Location}.");
            if (metadata.RuntimeStatus != OrchestrationRuntimeStatus.Pending)
            {
                return metadata;
            }

            await Task.WhenAny(change, Task.Delay(runtime.Options.ClientPollInterval, runtime.Options.TimeProvider, cancellation)).ConfigureAwait(false);
            cancellation.ThrowIfCancellationRequested();
        }
    }

    public override async Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        var cancellationToken = cancellation;
        InstanceStore.ValidateInstanceId(instanceId);
        while (true)
        {
            // Take the change signal before reading, so a change between the read and the wait is not missed.
            // An instance live in this runtime costs two metadata requests a change; otherwise polling reads only
            // the newest batch. The ended execution's status is read once, at the end.
            var change = runtime.ChangeSignal;
            if (await ReadLiveSummaryAsync(instanceId, cancellationToken).ConfigureAwait(false) is not null)
            {
                // Live in this runtime and not ended: nothing to read until the next change.
                await Task.WhenAny(change, Task.Delay(runtime.Options.ClientPollInterval, runtime.Options.TimeProvider, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                continue;
            }

            var tail = await runtime.Store.ReadTailAsync(instanceId, cancellationToken).ConfigureAwait(false);
            if (!tail.Exists)
            {
                throw new InvalidOperationException($"No orchestration instance '{instanceId}' exists in {runtime.Store.Location}.");
            }

            if (tail.IsCompleted && await GetInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false) is { IsCompleted: true } metadata)
            {
                return metadata;
            }

            await Task.WhenAny(change, Task.Delay(runtime.Options.ClientPollInterval, runtime.Options.TimeProvider, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    public override async Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default)
    {
        var cancellationToken = cancellation;
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        if (await IsFinishedAsync(instanceId, cancellationToken).ConfigureAwait(false))
        {
            return;
        }
        await runtime.Store.AddInboxMessageAsync(
            instanceId,
            new InboxMessage(NewMessageId(), InboxMessageKind.RaiseEvent, eventName, runtime.Options.DataConverter.Serialize(eventPayload)),
            cancellationToken).ConfigureAwait(false);
        runtime.SignalInbox(instanceId);
    }

    public override async Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        // Output becomes the terminated instance's output; Recursive has nothing to do (no sub-orchestrations here).
        var reason = options?.Output;
        var cancellationToken = cancellation;
        if (await IsFinishedAsync(instanceId, cancellationToken).ConfigureAwait(false))
        {
            return;
        }
        await runtime.Store.AddInboxMessageAsync(
            instanceId,
            new InboxMessage(NewMessageId(), InboxMessageKind.Terminate, null, runtime.Options.DataConverter.Serialize(reason)),
            cancellationToken).ConfigureAwait(false);
        runtime.SignalInbox(instanceId);
    }

    public override async Task<PurgeResult> PurgeInstanceAsync(string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        var metadata = await GetInstanceAsync(instanceId, cancellation).ConfigureAwait(false);
        if (metadata is null)
        {
            return new PurgeResult(0);
        }

        if (!metadata.IsCompleted)
        {
            throw new InvalidOperationException(
                $"Instance '{instanceId}' is {metadata.RuntimeStatus}; terminate it and wait for completion before purging.");
        }

        runtime.Forget(instanceId);
        return new PurgeResult(await runtime.Store.DeleteInstanceAsync(instanceId, cancellation).ConfigureAwait(false) ? 1 : 0);
    }

    /// <summary>The current execution's history as this runtime records it, for diagnostics and tests.</summary>
    public async Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        InstanceStore.ValidateInstanceId(instanceId);
        var history = await runtime.Store.LoadAsync(instanceId, cancellationToken).ConfigureAwait(false);
        return history?.Events ?? [];
    }

    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        throw Unsupported(nameof(SuspendInstanceAsync), "terminate the instance and start it again");

    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        throw Unsupported(nameof(ResumeInstanceAsync), "terminate the instance and start it again");

    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null) =>
        throw Unsupported(nameof(GetAllInstancesAsync), "read each instance by id with GetInstanceAsync");

    public override Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, PurgeInstanceOptions? options = null, CancellationToken cancellation = default) =>
        throw Unsupported(nameof(PurgeAllInstancesAsync), "purge each instance by id with PurgeInstanceAsync");

    public override Task<string> RestartAsync(string instanceId, bool restartWithNewInstanceId = false, CancellationToken cancellation = default) =>
        throw Unsupported(nameof(RestartAsync), "purge the instance and schedule it again with the same input");

    public override Task RewindInstanceAsync(string instanceId, string reason, CancellationToken cancellation = default) =>
        throw Unsupported(nameof(RewindInstanceAsync), "purge the instance and schedule it again; completed activities must be idempotent anyway");

    public override Task<IList<global::DurableTask.Core.History.HistoryEvent>> GetOrchestrationHistoryAsync(string instanceId, CancellationToken cancellation = default) =>
        throw Unsupported(nameof(GetOrchestrationHistoryAsync), $"use {nameof(EmbeddedDurableTaskClient)}.{nameof(GetHistoryAsync)}, which returns this runtime's history events");

    public override Task<Microsoft.DurableTask.Page<string>> ListInstanceIdsAsync(
        IEnumerable<OrchestrationRuntimeStatus>? runtimeStatus = null,
        DateTimeOffset? completedTimeFrom = null,
        DateTimeOffset? completedTimeTo = null,
        int pageSize = 100,
        string? lastInstanceKey = null,
        CancellationToken cancellation = default) =>
        throw Unsupported(nameof(ListInstanceIdsAsync), "read each instance by id with GetInstanceAsync");

    /// <summary>Nothing to release: the runtime owns the store.</summary>
    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>The status this runtime published for the instance, if the store confirms it is still current.</summary>
    private async Task<InstanceSummary?> ReadLiveSummaryAsync(string instanceId, CancellationToken cancellationToken) =>
        runtime.PublishedStatusOf(instanceId) is { } live && await runtime.Store.IsStillCurrentAsync(live, cancellationToken).ConfigureAwait(false)
            ? live.Summary
            : null;

    private static NotSupportedException Unsupported(string member, string instead) =>
        new($"{nameof(DurableTaskClient)}.{member} is not supported by the embedded runtime (Serverless.Durable); {instead}.");

    private static InvalidOperationException AlreadyExists(string instanceId, OrchestrationStatus status) =>
        new($"An orchestration instance '{instanceId}' already exists ({status}); purge it first or choose another instance id.");

    private static string NewMessageId()
    {
        // Strictly increasing within the process, so two events raised in one clock tick keep their order.
        long ticks, last;
        do
        {
            last = Volatile.Read(ref lastMessageTicks);
            ticks = Math.Max(DateTime.UtcNow.Ticks, last + 1);
        }
        while (Interlocked.CompareExchange(ref lastMessageTicks, ticks, last) != last);

        return string.Create(CultureInfo.InvariantCulture, $"{ticks:D19}-{Guid.NewGuid():N}");
    }

    /// <summary>True when the instance has finished (requests to it are ignored, as in Durable Functions).</summary>
    /// <exception cref="InvalidOperationException">No such instance.</exception>
    private async Task<bool> IsFinishedAsync(string instanceId, CancellationToken cancellationToken)
    {
        InstanceStore.ValidateInstanceId(instanceId);
        var tail = await runtime.Store.ReadTailAsync(instanceId, cancellationToken).ConfigureAwait(false);
        return tail.Exists
            ? tail.IsCompleted
            : throw new InvalidOperationException($"No orchestration instance '{instanceId}' exists in {runtime.Store.Location}.");
    }
}
