namespace Serverless.Durable.History;

/// <summary>The orchestrator scheduled an activity; <see cref="HistoryEvent.EventId"/> is the task's sequence number.</summary>
/// <param name="Name">Activity name.</param>
/// <param name="Input">Activity input as JSON.</param>
public sealed record TaskScheduledEvent(int EventId, DateTime Timestamp, string Name, string? Input) : HistoryEvent(EventId, Timestamp);
