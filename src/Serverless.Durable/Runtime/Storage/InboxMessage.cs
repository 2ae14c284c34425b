namespace Serverless.Durable.Runtime.Storage;

/// <summary>
/// A client request waiting for the instance's next episode (raise event, terminate). Persisted before the
/// client call returns, so a runtime that dies before the episode still delivers it after restart.
/// </summary>
/// <param name="Id">Time-ordered unique id (also the object name).</param>
/// <param name="Kind">What the client asked for.</param>
/// <param name="EventName">The external event name, for <see cref="InboxMessageKind.RaiseEvent"/>.</param>
/// <param name="Payload">Event data or termination reason as JSON.</param>
internal sealed record InboxMessage(string Id, InboxMessageKind Kind, string? EventName, string? Payload);
