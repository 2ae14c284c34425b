using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Serverless.Durable.History;
using Serverless.Durable.Runtime;
using Serverless.Storage;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Durable.Tests;

/// <summary>
/// An embedded runtime over an <see cref="ObservedObjectStore"/> that, after every history write or delete and
/// before the runtime goes on, compares GetInstanceAsync with the status derived from the whole history. Checks
/// run inside the runtime's store call, so they only record mismatches; <see cref="AssertConsistentAsync"/> reports them.
/// </summary>
internal sealed class StepCheckedRuntime : IAsyncDisposable
{
    private readonly TempDirectory? folder;
    private readonly List<string> mismatches = [];
    private readonly HashSet<OrchestrationRuntimeStatus> statusesSeen = [];
    private readonly SemaphoreSlim checking = new(1, 1);
    private int steps;
    private int statusWrites;

    private StepCheckedRuntime(TempDirectory? folder, ObservedObjectStore store, EmbeddedDurableRuntime runtime)
    {
        this.folder = folder;
        Store = store;
        Runtime = runtime;
    }

    public EmbeddedDurableRuntime Runtime { get; }

    public ObservedObjectStore Store { get; }

    public EmbeddedDurableTaskClient Client => Runtime.Client;

    /// <summary>Status objects written (and checked) so far.</summary>
    public int StatusWrites => Volatile.Read(ref statusWrites);

    /// <summary>
    /// Starts a runtime over a new temporary folder, or over <paramref name="existingFolder"/> (left in place);
    /// <paramref name="wrap"/> may put a wrapper (e.g. one that fails a write) between the runtime and the checked store.
    /// </summary>
    public static async Task<StepCheckedRuntime> StartAsync(
        Action<DurableTaskRegistry> register, Func<IObjectStore, IObjectStore>? wrap = null, string? existingFolder = null)
    {
        var registry = new DurableTaskRegistry();
        register(registry);
        var folder = existingFolder is null ? new TempDirectory("durable-status") : null;
        var store = new ObservedObjectStore(new LocalFolderObjectStore(existingFolder ?? folder!.Path));
        var runtime = new EmbeddedDurableRuntime(
            registry,
            wrap?.Invoke(store) ?? store,
            new EmbeddedRuntimeOptions
            {
                MaxConcurrentActivities = 4,
                MaxConcurrentOrchestrations = 2,
                ClientPollInterval = TimeSpan.FromMilliseconds(50),
                StorePollInterval = null,
            });
        var harness = new StepCheckedRuntime(folder, store, runtime);
        store.AfterChange = harness.OnStoreChangedAsync;
        await runtime.StartAsync();
        return harness;
    }

    public async Task<OrchestrationMetadata> WaitAsync(string instanceId)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await Client.WaitForInstanceCompletionAsync(instanceId, deadline.Token);
    }

    public async Task WaitForCustomStatusAsync(string instanceId, string serializedCustomStatus)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((await Client.GetInstanceAsync(instanceId, deadline.Token))?.SerializedCustomStatus != serializedCustomStatus)
        {
            await Task.Delay(5, deadline.Token);
        }
    }

    /// <summary>
    /// Polls like a progress display until the instance ends; wherever the full history read the same before and
    /// after GetInstanceAsync, the two must agree. Returns how many polls were compared.
    /// </summary>
    public async Task<int> PollUntilTerminalAsync(string instanceId)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var compared = 0;
        while (true)
        {
            var before = await FullHistoryMetadataAsync(instanceId);
            var cheap = await Client.GetInstanceAsync(instanceId, deadline.Token);
            var after = await FullHistoryMetadataAsync(instanceId);
            if (Equals(before is null ? null : MetadataAssert.Describe(before), after is null ? null : MetadataAssert.Describe(after)))
            {
                compared++;
                Compare($"poll {compared}", after, cheap);
                if (after is { IsCompleted: true })
                {
                    return compared;
                }
            }

            deadline.Token.ThrowIfCancellationRequested();
        }
    }

    public async Task AssertConsistentAsync(params OrchestrationRuntimeStatus[] expectedStatuses)
    {
        // A client can see a change before the check that change triggered has run (it runs after the store write, on
        // the runtime's side): wait, boundedly, for the checks to have seen every expected status.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!SeenAll(expectedStatuses) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        await checking.WaitAsync();
        checking.Release();
        lock (mismatches)
        {
            Assert.True(mismatches.Count == 0, $"{mismatches.Count} mismatch(es) in {steps} steps:\n" + string.Join('\n', mismatches.Take(20)));
            Assert.True(steps > 0, "no store change was checked");
            Assert.Superset(new HashSet<OrchestrationRuntimeStatus>(expectedStatuses), statusesSeen);
        }
    }

    private bool SeenAll(OrchestrationRuntimeStatus[] expectedStatuses)
    {
        lock (mismatches)
        {
            return expectedStatuses.All(statusesSeen.Contains);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Store.AfterChange = null;
        await Runtime.DisposeAsync();
        checking.Dispose();
        folder?.Dispose();
    }

    private async Task OnStoreChangedAsync(string path)
    {
        // durable/instances/{id}/g000001/00000002.json or .../g000001/status.json: only history and the status object
        // change what a status read returns.
        var parts = path.Split('/');
        if (parts.Length != 5 || parts[1] != "instances" || !parts[3].StartsWith('g'))
        {
            return;
        }

        await checking.WaitAsync();
        try
        {
            var step = Interlocked.Increment(ref steps);
            if (parts[4] == "status.json")
            {
                Interlocked.Increment(ref statusWrites);
            }

            var history = await Runtime.Store.LoadAsync(parts[2], CancellationToken.None);
            if (history?.ExecutionStarted is { } started
                && await Runtime.Store.TryReadStatusRecordAsync(parts[2], history.Generation, CancellationToken.None) is { } record
                && !record.AppliesTo(started.ExecutionId, history.BatchCount))
            {
                // Written only after its own batch: never further along than history, never of another execution.
                Record($"step {step} (after changing {path}): status object names batch {record.Batch} of execution {record.ExecutionId}, "
                    + $"history has {history.BatchCount} batches of execution {started.ExecutionId}");
            }

            var expected = await FullHistoryMetadataAsync(parts[2]);
            var cheap = await Client.GetInstanceAsync(parts[2]);
            var tail = await Runtime.Store.ReadTailAsync(parts[2], CancellationToken.None);
            Compare($"step {step} (after changing {path})", expected, cheap);
            if (tail.IsCompleted != expected is { IsCompleted: true })
            {
                Record($"step {step}: ReadTailAsync says completed={tail.IsCompleted}, full history says {expected?.RuntimeStatus}");
            }
        }
#pragma warning disable CA1031 // Thrown into the runtime it would look like a store outage; record it instead.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Record($"check after {path} threw {ex}");
        }
        finally
        {
            checking.Release();
        }
    }

    private async Task<OrchestrationMetadata?> FullHistoryMetadataAsync(string instanceId)
    {
        var summary = (await Runtime.Store.LoadAsync(instanceId, CancellationToken.None))?.ToSummary();
        return summary is null ? null : EmbeddedDurableTaskClient.ToMetadata(instanceId, summary, Runtime.Options.DataConverter);
    }

    private void Compare(string step, OrchestrationMetadata? expected, OrchestrationMetadata? actual)
    {
        if (expected is null || actual is null)
        {
            if (expected is not null || actual is not null)
            {
                Record($"{step}: full history {(expected is null ? "has no instance" : expected.RuntimeStatus)}, GetInstanceAsync {(actual is null ? "has no instance" : actual.RuntimeStatus)}");
            }

            return;
        }

        lock (mismatches)
        {
            statusesSeen.Add(expected.RuntimeStatus);
        }

        Field(step, nameof(expected.InstanceId), expected.InstanceId, actual.InstanceId);
        Field(step, nameof(expected.Name), expected.Name, actual.Name);
        Field(step, nameof(expected.RuntimeStatus), expected.RuntimeStatus, actual.RuntimeStatus);
        Field(step, nameof(expected.CreatedAt), expected.CreatedAt, actual.CreatedAt);
        Field(step, nameof(expected.LastUpdatedAt), expected.LastUpdatedAt, actual.LastUpdatedAt);
        Field(step, nameof(expected.SerializedInput), expected.SerializedInput, actual.SerializedInput);
        Field(step, nameof(expected.SerializedOutput), expected.SerializedOutput, actual.SerializedOutput);
        Field(step, nameof(expected.SerializedCustomStatus), expected.SerializedCustomStatus, actual.SerializedCustomStatus);
        Field(step, nameof(expected.FailureDetails), expected.FailureDetails, actual.FailureDetails);
    }

    private void Field<T>(string step, string name, T expected, T actual)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            Record($"{step}: {name} is '{actual}' from GetInstanceAsync but '{expected}' from full history");
        }
    }

    private void Record(string mismatch)
    {
        lock (mismatches)
        {
            mismatches.Add(mismatch);
        }
    }
}
