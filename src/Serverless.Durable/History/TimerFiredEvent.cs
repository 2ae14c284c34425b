namespace Serverless.Durable.History;

/// <summary>A durable timer elapsed.</summary>
/// <param name="TimerId">The EventId of the matching <see cref="TimerCreatedEvent"/>.</param>
public sealed record TimerFiredEvent(DateTime Timestamp, int TimerId, DateTime FireAt) : HistoryEvent(-1, Timestamp);
