namespace Serverless.Durable.Replay;

/// <summary>
/// Replaying the orchestrator's code against its history produced different decisions than the ones the
/// history records: the code changed while instances were in flight, or it depends on something other than
/// its input and history (wall clock, random numbers, I/O, static state).
/// </summary>
public sealed class NonDeterministicOrchestrationException : Exception
{
    public NonDeterministicOrchestrationException(string orchestratorName, int historyEventId, string difference)
        : base(
            $"Orchestrator '{orchestratorName}' is non-deterministic: at history event id {historyEventId}, {difference}. "
            + "Orchestrator code must make the same calls in the same order on every replay; deploy changed orchestrators "
            + "under a new name (or let in-flight instances finish first), and read time, GUIDs and randomness only from the context.")
    {
        OrchestratorName = orchestratorName;
        HistoryEventId = historyEventId;
        Difference = difference;
    }

    public NonDeterministicOrchestrationException()
        : this("(unknown)", -1, "the code diverged from history")
    {
    }

    public NonDeterministicOrchestrationException(string message)
        : base(message)
    {
        OrchestratorName = "(unknown)";
        Difference = message;
        HistoryEventId = -1;
    }

    public NonDeterministicOrchestrationException(string message, Exception innerException)
        : base(message, innerException)
    {
        OrchestratorName = "(unknown)";
        Difference = message;
        HistoryEventId = -1;
    }

    /// <summary>The orchestrator whose code diverged.</summary>
    public string OrchestratorName { get; }

    /// <summary>The EventId of the history event the code disagreed with.</summary>
    public int HistoryEventId { get; }

    /// <summary>What history recorded versus what the code did.</summary>
    public string Difference { get; }
}
