using DurableTask.Core;
using DurableTask.Core.History;

namespace Serverless.Orchestrations.Embedded;

/// <summary>
/// One orchestration episode as committed: one file, written atomically, so the episode's history, status and the
/// messages it consumed and sent are recorded together or not at all. The sends are applied after the commit; a crash
/// in between is repaired on open by applying the instance's last batch again (each send has a fixed file name).
/// </summary>
internal sealed class EpisodeBatch
{
    public required string ExecutionId { get; init; }

    /// <summary>The batch starts a new execution (first start, restart or continue-as-new): history starts over.</summary>
    public bool NewExecution { get; init; }

    public required List<HistoryEvent> Events { get; init; }

    public required OrchestrationState Status { get; init; }

    /// <summary>Names of the message files the episode consumed; a message seen again after a crash is dropped.</summary>
    public required List<string> Consumed { get; init; }

    public required List<TaskMessage> Activities { get; init; }

    public required List<TaskMessage> Timers { get; init; }

    public required List<TaskMessage> Messages { get; init; }
}
