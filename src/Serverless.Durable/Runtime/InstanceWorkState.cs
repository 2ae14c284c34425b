using Serverless.Durable.History;
using Serverless.Durable.Replay;
using Serverless.Durable.Runtime.Storage;
using Serverless.Storage;

namespace Serverless.Durable.Runtime;

/// <summary>
/// The runtime's in-memory bookkeeping for one instance: results waiting for the next episode, the cached
/// history, and which outstanding activities and timers this process has already dispatched or armed.
/// None of it is needed for correctness after a restart; it is rebuilt from history.
/// </summary>
internal sealed class InstanceWorkState
{
    private readonly Lock gate = new();
    private readonly List<(int Generation, HistoryEvent Event)> mailbox = [];
    private int queued;
    private int inboxDirty = 1;
    private LiveInstanceStatus? publishedStatus;

    public InstanceWorkState(string instanceId)
    {
        InstanceId = instanceId;
    }

    public string InstanceId { get; }

    /// <summary>Held while an episode runs: one episode per instance at a time.</summary>
    public SemaphoreSlim EpisodeLock { get; } = new(1, 1);

    /// <summary>The history as of the last successful load or append (null forces a reload).</summary>
    public InstanceHistory? CachedHistory { get; private set; }

    /// <summary>Status for in-process clients, as of this runtime's last append; null when unknown.</summary>
    public LiveInstanceStatus? PublishedStatus => Volatile.Read(ref publishedStatus);

    public void CacheHistory(InstanceHistory? history) => CachedHistory = history;

    /// <summary>Drops the cached history and the status published from it; the next episode reloads.</summary>
    public void ForgetHistory()
    {
        LastStatusWrite = null;
        StatusWritePending = false;
        CachedHistory = null;
        Volatile.Write(ref publishedStatus, null);
    }

    public void PublishStatus(LiveInstanceStatus? status) => Volatile.Write(ref publishedStatus, status);

    /// <summary>The status object this runtime last wrote for the instance, and when (for <see cref="EmbeddedRuntimeOptions.StatusWriteInterval"/>).</summary>
    public (ObjectInfo Object, DateTime At)? LastStatusWrite { get; set; }

    /// <summary>The cached history's status is newer than the status object (kept in memory until the next due write or a stop).</summary>
    public bool StatusWritePending { get; set; }

    /// <summary>The live orchestrator, when extended sessions are on.</summary>
    public OrchestrationSession? Session { get; private set; }

    private int SessionGeneration { get; set; } = -1;

    /// <summary>History length the session has seen, including its own recorded actions; -1 until recorded.</summary>
    private int SessionEventCount { get; set; } = -1;

    public int DispatchGeneration { get; set; } = -1;

    public HashSet<int> DispatchedActivities { get; } = [];

    public HashSet<int> ArmedTimers { get; } = [];

    /// <summary>Marks the instance as queued for an episode; false when it already was.</summary>
    public bool TryMarkQueued() => Interlocked.Exchange(ref queued, 1) == 0;

    public void ClearQueued() => Volatile.Write(ref queued, 0);

    public void MarkInboxDirty() => Volatile.Write(ref inboxDirty, 1);

    /// <summary>True once per change to the inbox: the episode reads it then.</summary>
    public bool TakeInboxDirty() => Interlocked.Exchange(ref inboxDirty, 0) == 1;

    public void Post(int generation, HistoryEvent result)
    {
        lock (gate)
        {
            mailbox.Add((generation, result));
        }
    }

    public List<(int Generation, HistoryEvent Event)> PeekMailbox()
    {
        lock (gate)
        {
            return [.. mailbox];
        }
    }

    /// <summary>Removes the first <paramref name="count"/> items, which an episode has recorded or discarded.</summary>
    public void RemoveFromMailbox(int count)
    {
        lock (gate)
        {
            mailbox.RemoveRange(0, count);
        }
    }

    /// <summary>The session, if it has seen exactly this history (same execution, same length).</summary>
    public OrchestrationSession? SessionMatching(InstanceHistory history) =>
        Session is { IsFinished: false } session && SessionGeneration == history.Generation && SessionEventCount == history.Events.Count
            ? session
            : null;

    public void KeepSession(OrchestrationSession session, int generation)
    {
        if (!ReferenceEquals(Session, session))
        {
            DiscardSession();
        }

        Session = session;
        SessionGeneration = generation;
        SessionEventCount = -1;
    }

    /// <summary>The episode's batch is in history: the session may continue from it.</summary>
    public void SessionRecorded(InstanceHistory history)
    {
        if (Session is not null)
        {
            SessionEventCount = Session.IsFinished ? -1 : history.Events.Count;
        }
    }

    public void DiscardSession()
    {
        Session?.Dispose();
        Session = null;
        SessionGeneration = SessionEventCount = -1;
    }

    public void ResetDispatch(int generation)
    {
        DispatchGeneration = generation;
        DispatchedActivities.Clear();
        ArmedTimers.Clear();
    }
}
