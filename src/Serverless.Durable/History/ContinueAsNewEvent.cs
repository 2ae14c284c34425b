namespace Serverless.Durable.History;

/// <summary>
/// The execution ended by restarting itself with new input; the runtime begins a fresh history whose
/// first events are an <see cref="ExecutionStartedEvent"/> with <paramref name="Input"/> and the carried-over events.
/// </summary>
/// <param name="Input">The next execution's input as JSON.</param>
/// <param name="CarryoverEvents">External events received but not yet consumed, kept for the next execution.</param>
public sealed record ContinueAsNewEvent(DateTime Timestamp, string? Input, IReadOnlyList<EventRaisedEvent> CarryoverEvents)
    : HistoryEvent(-1, Timestamp);
