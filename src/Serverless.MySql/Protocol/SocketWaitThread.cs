using System.Threading.Tasks.Sources;

namespace Serverless.MySql.Protocol;

/// <summary>
/// A thread of one connection that waits in the kernel (poll) on behalf of an async caller — for data to receive, or for
/// a connect to complete — and then runs the caller's continuation itself. The caller therefore wakes once per wait
/// (the kernel wakes this thread), where the runtime's socket engine wakes its epoll thread and then a thread-pool
/// thread; on a busy machine each of those wake-ups queues for a CPU. Once a continuation runs here, the caller's later
/// reads block inline on this thread (<see cref="IsCurrent"/>), so a streaming loop stays on this one thread without
/// any handoff, as a C client's loop would.
/// <para>
/// The thread starts on the first wait that is handed to it and ends when <see cref="Stop"/> is called or after it has
/// been idle for <see cref="IdleExit"/> (a later wait starts a new one). One operation at a time, as with any stream.
/// </para>
/// </summary>
internal sealed class SocketWaitThread : IValueTaskSource<int>
{
    /// <summary>How long the thread waits for a next operation before it ends.</summary>
    public static readonly TimeSpan IdleExit = TimeSpan.FromSeconds(30);

    [ThreadStatic]
    private static SocketWaitThread? current;

    private readonly string name;
    private readonly object gate = new();

    // Continuations run inline on this thread: that is the point (no thread-pool hop after the wake-up).
    private ManualResetValueTaskSourceCore<int> completion = new() { RunContinuationsAsynchronously = false };
    private Thread? thread;
    private Func<Memory<byte>, CancellationToken, int>? requestOperation;
    private Memory<byte> requestBuffer;
    private CancellationToken requestToken;
    private bool stopping;

    /// <param name="name">Thread name (shows in debuggers and dumps).</param>
    public SocketWaitThread(string name)
    {
        this.name = name;
    }

    /// <summary>True on this thread, where a caller may block inline.</summary>
    public bool IsCurrent => ReferenceEquals(current, this);

    /// <summary>True while the thread exists.</summary>
    public bool IsRunning
    {
        get
        {
            lock (gate)
            {
                return thread is not null;
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="operation"/> (which blocks until done) on the thread; its result or exception completes the
    /// returned task, and the awaiting continuation runs on the thread.
    /// </summary>
    public ValueTask<int> RunAsync(Func<Memory<byte>, CancellationToken, int> operation, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (stopping)
            {
                return ValueTask.FromException<int>(new ObjectDisposedException(name, "The connection was closed."));
            }

            if (requestOperation is not null)
            {
                return ValueTask.FromException<int>(new InvalidOperationException("A read is already pending on this MySQL connection; a connection serves one reader at a time."));
            }

            completion.Reset();
            requestOperation = operation;
            requestBuffer = buffer;
            requestToken = cancellationToken;
            if (thread is null)
            {
                thread = new Thread(Run) { IsBackground = true, Name = name };
                thread.UnsafeStart();
            }
            else
            {
                Monitor.Pulse(gate);
            }

            return new ValueTask<int>(this, completion.Version);
        }
    }

    /// <summary>Lets the thread end once its current operation (which should notice the closed socket) returns.</summary>
    public void Stop()
    {
        lock (gate)
        {
            stopping = true;
            Monitor.Pulse(gate);
        }
    }

    private void Run()
    {
        current = this;
        while (true)
        {
            Func<Memory<byte>, CancellationToken, int> operation;
            Memory<byte> buffer;
            CancellationToken token;
            lock (gate)
            {
                while (requestOperation is null)
                {
                    if (stopping || (!Monitor.Wait(gate, IdleExit) && requestOperation is null))
                    {
                        thread = null;
                        return;
                    }
                }

                operation = requestOperation;
                buffer = requestBuffer;
                token = requestToken;
                requestBuffer = default;
                requestToken = default;
            }

            var result = 0;
            Exception? error = null;
            try
            {
                result = operation(buffer, token);
            }
            catch (Exception e)
            {
                error = e;
            }

            // Cleared before completing: the continuation below may ask for the next operation.
            lock (gate)
            {
                requestOperation = null;
            }

            if (error is null)
            {
                completion.SetResult(result);
            }
            else
            {
                completion.SetException(error);
            }
        }
    }

    int IValueTaskSource<int>.GetResult(short token) => completion.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => completion.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        completion.OnCompleted(continuation, state, token, flags);
}
