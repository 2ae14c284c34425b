namespace Serverless.Durable.History;

/// <summary>The orchestrator created a durable timer; <see cref="HistoryEvent.EventId"/> is the timer's sequence number.</summary>
public sealed record TimerCreatedEvent(int EventId, DateTime Timestamp, DateTime FireAt) : HistoryEvent(EventId, Timestamp);
