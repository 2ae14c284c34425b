using Serverless.Durable.History;

namespace Serverless.Durable.Replay;

/// <summary>
/// End the execution. For <see cref="OrchestrationStatus.ContinuedAsNew"/>, <paramref name="Result"/> is the
/// next execution's input and <paramref name="CarryoverEvents"/> are unconsumed external events to keep.
/// </summary>
public sealed record CompleteOrchestrationAction(
    int Id,
    OrchestrationStatus Status,
    string? Result,
    FailureDetails? FailureDetails,
    IReadOnlyList<EventRaisedEvent> CarryoverEvents) : OrchestratorAction(Id)
{
    /// <summary>Structural equality over the carry-over list too (records compare lists by reference).</summary>
    public bool Equals(CompleteOrchestrationAction? other) =>
        other is not null
        && Id == other.Id
        && Status == other.Status
        && Result == other.Result
        && Equals(FailureDetails, other.FailureDetails)
        && CarryoverEvents.SequenceEqual(other.CarryoverEvents);

    public override int GetHashCode() => HashCode.Combine(Id, Status, Result, FailureDetails, CarryoverEvents.Count);
}
