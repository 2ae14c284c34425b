using System.Runtime.ExceptionServices;
using Microsoft.DurableTask;

namespace Serverless.Durable;

/// <summary>
/// Fan-out/fan-in with a bound on how many items are in flight, for orchestrators that would otherwise
/// schedule thousands of activities at once (a chunked table snapshot). Deterministic: items start in index
/// order and a new one starts only when history delivers the completion of an earlier one.
/// </summary>
public static class BoundedFanOut
{
    /// <summary>
    /// Runs <paramref name="run"/> for every item with at most <paramref name="maxInFlight"/> running, and returns
    /// results in item order. After the first failure no new items start; in-flight ones finish, then the first
    /// failure is rethrown.
    /// </summary>
    public static async Task<TResult[]> RunBoundedAsync<TItem, TResult>(
        this TaskOrchestrationContext context,
        IReadOnlyList<TItem> items,
        int maxInFlight,
        Func<TItem, int, Task<TResult>> run)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInFlight, 1);

        var results = new TResult[items.Count];
        var state = new FanOutState();
        var workers = new Task[Math.Min(maxInFlight, items.Count)];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = RunWorkerAsync(items, run, results, state);
        }

        await Task.WhenAll(workers).ConfigureAwait(true);
        state.FirstFailure?.Throw();
        return results;
    }

    private static async Task RunWorkerAsync<TItem, TResult>(
        IReadOnlyList<TItem> items,
        Func<TItem, int, Task<TResult>> run,
        TResult[] results,
        FanOutState state)
    {
        // Workers share one cursor; each takes the next item when its previous one completes, so at most
        // one item per worker is in flight.
        while (state.FirstFailure is null && state.Next < items.Count)
        {
            var index = state.Next++;
            try
            {
                results[index] = await run(items[index], index).ConfigureAwait(true);
            }
#pragma warning disable CA1031 // The failure is kept and rethrown once the in-flight items have finished.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                state.FirstFailure ??= ExceptionDispatchInfo.Capture(ex);
            }
        }
    }

    private sealed class FanOutState
    {
        public int Next { get; set; }

        public ExceptionDispatchInfo? FirstFailure { get; set; }
    }
}
