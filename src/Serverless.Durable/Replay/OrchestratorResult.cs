namespace Serverless.Durable.Replay;

/// <summary>What one episode of an orchestrator produced (durabletask's OrchestratorResponse).</summary>
/// <param name="Actions">New actions in sequence order; a completion, if any, is last.</param>
/// <param name="CustomStatus">The custom status as JSON after the episode, or null.</param>
public sealed record OrchestratorResult(IReadOnlyList<OrchestratorAction> Actions, string? CustomStatus)
{
    /// <summary>The completion action when the execution ended in this episode.</summary>
    public CompleteOrchestrationAction? Completion =>
        Actions.Count > 0 && Actions[^1] is CompleteOrchestrationAction complete ? complete : null;
}
