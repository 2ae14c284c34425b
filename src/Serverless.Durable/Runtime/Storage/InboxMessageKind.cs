using System.Text.Json.Serialization;

namespace Serverless.Durable.Runtime.Storage;

/// <summary>What a client asked for in an <see cref="InboxMessage"/>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InboxMessageKind>))]
internal enum InboxMessageKind
{
    RaiseEvent,
    Terminate,
}
