namespace Serverless.Durable.History;

/// <summary>The execution reached a terminal state (completed, failed or terminated).</summary>
/// <param name="Status">The terminal status.</param>
/// <param name="Result">Output as JSON for a completed or terminated execution.</param>
/// <param name="FailureDetails">Why a failed execution failed.</param>
public sealed record ExecutionCompletedEvent(DateTime Timestamp, OrchestrationStatus Status, string? Result, FailureDetails? FailureDetails)
    : HistoryEvent(-1, Timestamp);
