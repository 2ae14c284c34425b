using Serverless.Durable.History;

namespace Serverless.Durable.Runtime.Storage;

/// <summary>
/// One object in an instance's append-only history: the events of one episode (or the creation record),
/// created with put-if-absent at the next index so that of two runtimes racing on an instance exactly one
/// records each episode.
/// </summary>
/// <param name="Events">The episode's events in order.</param>
/// <param name="CustomStatus">Null in the batches of running episodes (the status lives in a <see cref="CustomStatusRecord"/>);
/// the batch that ends an execution carries its final status, so a reader that sees the end sees the status it ended
/// with. Batches written by older versions carry the status of every episode, and are still read.</param>
/// <param name="ConsumedMessages">Inbox message ids this episode turned into events, so a message whose
/// deletion was interrupted is not delivered twice.</param>
internal sealed record HistoryBatch(
    IReadOnlyList<HistoryEvent> Events,
    string? CustomStatus,
    IReadOnlyList<string> ConsumedMessages);
