using Serverless.Durable.History;

namespace Serverless.Durable.Replay;

/// <summary>
/// A live orchestrator kept between episodes, so a long fan-out does not replay its whole history for
/// every completion (replay cost would grow with the square of the history). The first episode replays
/// history; later ones deliver only new events. Valid only while the caller records every result in
/// history before the next episode; on any doubt (a lost append race, a restart) the caller discards the
/// session and replays from history instead.
/// </summary>
internal sealed class OrchestrationSession : IDisposable
{
    private readonly ReplayOrchestrationContext context;
    private readonly IDisposable? owner;

    public OrchestrationSession(ReplayOrchestrationContext context, IDisposable? owner)
    {
        this.context = context;
        this.owner = owner;
    }

    public bool IsFinished => context.IsFinished;

    /// <summary>Runs the next episode; <paramref name="pastEvents"/> must be empty after the first.</summary>
    public OrchestratorResult RunEpisode(IReadOnlyList<HistoryEvent> pastEvents, IReadOnlyList<HistoryEvent> newEvents) =>
        context.RunEpisode(pastEvents, newEvents);

    public void Dispose() => owner?.Dispose();
}
