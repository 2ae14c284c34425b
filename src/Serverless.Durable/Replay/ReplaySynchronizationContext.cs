namespace Serverless.Durable.Replay;

/// <summary>
/// The orchestrator's single logical thread. Every continuation of orchestrator code is posted here and run
/// by <see cref="RunPending"/> on the replay engine's thread, between history events, so the code advances only
/// when an event completes one of its pending tasks and always in history order.
/// </summary>
internal sealed class ReplaySynchronizationContext : SynchronizationContext
{
    private readonly Queue<(SendOrPostCallback Callback, object? State)> queue = new();
    private readonly Lock gate = new();
    private int ownerThreadId = -1;
    private bool closed = true;

    /// <summary>
    /// A continuation arrived from another thread: the orchestrator awaited something that is not a durable
    /// task (Task.Delay, I/O, Task.Run), whose completion timing is not in history.
    /// </summary>
    public bool ForeignContinuationPosted { get; private set; }

    public override void Post(SendOrPostCallback d, object? state)
    {
        lock (gate)
        {
            if (Environment.CurrentManagedThreadId != ownerThreadId || closed)
            {
                ForeignContinuationPosted = true;
                return;
            }

            queue.Enqueue((d, state));
        }
    }

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("Orchestrator code runs on one logical thread; synchronous Send is not supported.");

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Runs queued continuations (and whatever they queue) until none are left.</summary>
    public void RunPending(Action<Exception> onUnhandledException)
    {
        while (true)
        {
            (SendOrPostCallback Callback, object? State) item;
            lock (gate)
            {
                if (!queue.TryDequeue(out item))
                {
                    return;
                }
            }

            try
            {
                item.Callback(item.State);
            }
#pragma warning disable CA1031 // Escaping exceptions from async-void style callbacks fail the orchestration instead of the engine.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                onUnhandledException(ex);
            }
        }
    }

    /// <summary>Starts an episode on the calling thread, which becomes the only thread allowed to post.</summary>
    public void Open()
    {
        lock (gate)
        {
            ownerThreadId = Environment.CurrentManagedThreadId;
            closed = false;
        }
    }

    /// <summary>Ends the episode; anything posted before the next one comes from a non-durable await.</summary>
    public void Close()
    {
        lock (gate)
        {
            closed = true;
            queue.Clear();
        }
    }
}
