using System.Globalization;
using Serverless.Durable.History;
using Serverless.Durable.Runtime.Storage;
using Serverless.Durable.Sdk;

namespace Serverless.Durable.Runtime;

/// <summary>The client of <see cref="EmbeddedDurableRuntime"/>: every request is persisted in the store before it returns.</summary>
internal sealed class EmbeddedDurableTaskClient : DurableTaskClient
{
    private static long lastMessageTicks;

    private readonly EmbeddedDurableRuntime runtime;

    public EmbeddedDurableTaskClient(EmbeddedDurableRuntime runtime)
    {
        this.runtime = runtime;
    }

    public override async Task<string> ScheduleNewOrchestrationInstanceAsync(
        string orchestratorName,
        object? input = null,
        string? instanceId = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(orchestratorName);
        if (!runtime.Registry.TryGetOrchestrator(orchestratorName, out _))
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
        var started = new ExecutionStartedEvent(now, orchestratorName, instanceId, Guid.NewGuid().ToString("N"), runtime.Options.DataConverter.Serialize(input));
        if (await runtime.Store.TryAppendAsync(instanceId, 0, 0, new HistoryBatch([started], null, []), cancellationToken).ConfigureAwait(false) is null)
        {
            throw AlreadyExists(instanceId, OrchestrationStatus.Pending);
        }

        runtime.Signal(instanceId);
        return instanceId;
    }

    public override async Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        // Polled for live progress: answered from this runtime's memory when the store confirms it is current,
        // otherwise from two batches of the current execution; never from the whole history.
        InstanceStore.ValidateInstanceId(instanceId);
        var summary = await ReadLiveSummaryAsync(instanceId, cancellationToken).ConfigureAwait(false)
            ?? await runtime.Store.ReadSummaryAsync(instanceId, cancellationToken).ConfigureAwait(false);
        return summary is null ? null : ToMetadata(instanceId, summary, runtime.Options.DataConverter);
    }

    internal static OrchestrationMetadata ToMetadata(string instanceId, InstanceSummary summary, DurableDataConverter converter) =>
        new(
            instanceId,
            summary.Started.Name,
            summary.Started.ExecutionId,
            summary.RuntimeStatus,
            summary.Started.Timestamp,
            summary.LastUpdatedAt,
            summary.Started.Input,
            summary.Completed?.Result,
            summary.CustomStatus,
            summary.Completed?.FailureDetails)
        {
            Converter = converter,
        };

    public override async Task<OrchestrationMetadata> WaitForCompletionAsync(string instanceId, CancellationToken cancellationToken = default)
    {
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

            if (tail.IsCompleted && await GetInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false) is { IsTerminal: true } metadata)
            {
                return metadata;
            }

            await Task.WhenAny(change, Task.Delay(runtime.Options.ClientPollInterval, runtime.Options.TimeProvider, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    public override async Task RaiseEventAsync(string instanceId, string eventName, object? eventData = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        if (await IsFinishedAsync(instanceId, cancellationToken).ConfigureAwait(false))
        {
            return;
        }
        await runtime.Store.AddInboxMessageAsync(
            instanceId,
            new InboxMessage(NewMessageId(), InboxMessageKind.RaiseEvent, eventName, runtime.Options.DataConverter.Serialize(eventData)),
            cancellationToken).ConfigureAwait(false);
        runtime.SignalInbox(instanceId);
    }

    public override async Task TerminateAsync(string instanceId, object? reason = null, CancellationToken cancellationToken = default)
    {
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

    public override async Task<bool> PurgeAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var metadata = await GetInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false);
        if (metadata is null)
        {
            return false;
        }

        if (!metadata.IsTerminal)
        {
            throw new InvalidOperationException(
                $"Instance '{instanceId}' is {metadata.RuntimeStatus}; terminate it and wait for completion before purging.");
        }

        runtime.Forget(instanceId);
        return await runtime.Store.DeleteInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false);
    }

    public override async Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        InstanceStore.ValidateInstanceId(instanceId);
        var history = await runtime.Store.LoadAsync(instanceId, cancellationToken).ConfigureAwait(false);
        return history?.Events ?? [];
    }

    /// <summary>The status this runtime published for the instance, if the store confirms it is still current.</summary>
    private async Task<InstanceSummary?> ReadLiveSummaryAsync(string instanceId, CancellationToken cancellationToken) =>
        runtime.PublishedStatusOf(instanceId) is { } live && await runtime.Store.IsStillCurrentAsync(live, cancellationToken).ConfigureAwait(false)
            ? live.Summary
            : null;

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
