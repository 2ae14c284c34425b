namespace Serverless.Durable.History;

/// <summary>Closes an episode; everything between this and the previous OrchestratorStarted was one batch of work.</summary>
public sealed record OrchestratorCompletedEvent(DateTime Timestamp) : HistoryEvent(-1, Timestamp);
