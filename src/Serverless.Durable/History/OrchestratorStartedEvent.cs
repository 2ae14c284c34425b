namespace Serverless.Durable.History;

/// <summary>
/// Opens an episode. Its timestamp is the orchestrator's notion of "now" (CurrentUtcDateTime) for the
/// code that runs in that episode, which keeps time deterministic across replays.
/// </summary>
public sealed record OrchestratorStartedEvent(DateTime Timestamp) : HistoryEvent(-1, Timestamp);
