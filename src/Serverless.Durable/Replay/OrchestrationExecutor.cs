using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Durable.History;
using Serverless.Durable.Runtime;

namespace Serverless.Durable.Replay;

/// <summary>
/// The deterministic replay engine shared by both runtimes: runs an orchestrator's code against its past
/// events (replaying) and new events, and returns the actions it decided on. Pure with respect to its inputs:
/// the same orchestrator code and history always give the same actions.
/// </summary>
public sealed class OrchestrationExecutor
{
    private readonly DurableDataConverter converter;
    private readonly ILoggerFactory loggerFactory;

    public OrchestrationExecutor(DurableDataConverter? converter = null, ILoggerFactory? loggerFactory = null)
    {
        this.converter = converter ?? DurableDataConverter.Default;
        this.loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
    }

    /// <summary>
    /// Replays <paramref name="pastEvents"/>, then applies <paramref name="newEvents"/>, and returns the actions
    /// not yet recorded in history. Non-determinism and orchestrator exceptions come back as a failed
    /// <see cref="CompleteOrchestrationAction"/>, never as a thrown exception.
    /// </summary>
    /// <param name="orchestrator">A fresh orchestrator object (its fields are rebuilt by replay).</param>
    /// <param name="orchestratorName">The registered name, used in messages.</param>
    /// <param name="pastEvents">Events already processed by earlier episodes.</param>
    /// <param name="newEvents">Events this episode delivers (an OrchestratorStarted first, for "now").</param>
    public OrchestratorResult Execute(
        ITaskOrchestrator orchestrator,
        string orchestratorName,
        IReadOnlyList<HistoryEvent> pastEvents,
        IReadOnlyList<HistoryEvent> newEvents)
    {
        ArgumentNullException.ThrowIfNull(pastEvents);
        ArgumentNullException.ThrowIfNull(newEvents);
        using var session = StartSession(orchestrator, orchestratorName, owner: null);
        return session.RunEpisode(pastEvents, newEvents);
    }

    /// <summary>A session whose first episode replays history and whose later episodes take only new events.</summary>
    /// <param name="owner">Disposed with the session (the DI scope the orchestrator came from).</param>
    internal OrchestrationSession StartSession(ITaskOrchestrator orchestrator, string orchestratorName, IDisposable? owner)
    {
        ArgumentNullException.ThrowIfNull(orchestrator);
        var context = new ReplayOrchestrationContext(orchestrator, orchestratorName, converter, loggerFactory, new ReplaySynchronizationContext());
        return new OrchestrationSession(context, owner);
    }
}
