namespace Serverless.Durable.History;

/// <summary>An activity returned.</summary>
/// <param name="TaskScheduledId">The EventId of the matching <see cref="TaskScheduledEvent"/>.</param>
/// <param name="Result">Result as JSON.</param>
public sealed record TaskCompletedEvent(DateTime Timestamp, int TaskScheduledId, string? Result) : HistoryEvent(-1, Timestamp);
