namespace Serverless.Durable.History;

/// <summary>An activity threw.</summary>
/// <param name="TaskScheduledId">The EventId of the matching <see cref="TaskScheduledEvent"/>.</param>
public sealed record TaskFailedEvent(DateTime Timestamp, int TaskScheduledId, FailureDetails FailureDetails) : HistoryEvent(-1, Timestamp);
