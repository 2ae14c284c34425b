namespace Serverless.Durable.History;

/// <summary>An external event was delivered to the instance.</summary>
/// <param name="Name">Event name (matched case-insensitively).</param>
/// <param name="Input">Payload as JSON.</param>
public sealed record EventRaisedEvent(DateTime Timestamp, string Name, string? Input) : HistoryEvent(-1, Timestamp);
