using Serverless.Durable.History;

namespace Serverless.Durable.Runtime.Storage;

/// <summary>
/// What a status query needs of an instance's current execution: how it started, where it stands, its custom
/// status and, once it ended, its outcome. Derived either from the whole history (<see cref="InstanceHistory.ToSummary"/>)
/// or from just the first and newest batches (<see cref="FromFirstAndNewestBatch"/>); the two must always agree.
/// </summary>
/// <param name="Generation">The execution's generation (continue-as-new count).</param>
/// <param name="BatchCount">History batches of this execution.</param>
/// <param name="Started">The execution's <see cref="ExecutionStartedEvent"/>.</param>
/// <param name="RuntimeStatus">Pending, running, or how it ended.</param>
/// <param name="LastUpdatedAt">Timestamp of the newest history event.</param>
/// <param name="CustomStatus">Custom status (JSON): the execution's status record when it applies, otherwise what the
/// newest episode batch carries; null before the first episode.</param>
/// <param name="Completed">The completion, failure or termination, once recorded.</param>
internal sealed record InstanceSummary(
    int Generation,
    int BatchCount,
    ExecutionStartedEvent Started,
    OrchestrationStatus RuntimeStatus,
    DateTime LastUpdatedAt,
    string? CustomStatus,
    ExecutionCompletedEvent? Completed)
{
    /// <summary>
    /// The summary from batch 0 and the newest batch alone, or null when history does not have the shape the
    /// runtime writes (the caller then reads it whole). The runtime's invariants make the two batches enough:
    /// every batch after the first is one episode; the custom status is in <paramref name="statusRecord"/> (or, in histories
    /// written before status records, in every episode batch); an episode that
    /// ends the execution is the last one ever appended to that generation (an episode runs only on a history
    /// that has not ended, and a racing append to the same index loses).
    /// </summary>
    public static InstanceSummary? FromFirstAndNewestBatch(int generation, int batchCount, HistoryBatch first, HistoryBatch newest, CustomStatusRecord? statusRecord)
    {
        if (first.Events.Count == 0 || first.Events[0] is not ExecutionStartedEvent started || newest.Events.Count == 0)
        {
            return null;
        }

        ExecutionCompletedEvent? completed = null;
        var continuedAsNew = false;
        var episode = false;
        foreach (var e in newest.Events)
        {
            switch (e)
            {
                case OrchestratorStartedEvent:
                    episode = true;
                    break;
                case ExecutionCompletedEvent c:
                    completed = c;
                    break;
                case ContinueAsNewEvent:
                    continuedAsNew = true;
                    break;
                default:
                    break;
            }
        }

        if (batchCount > 1 && !episode)
        {
            return null;
        }

        var status = completed?.Status
            ?? (continuedAsNew ? OrchestrationStatus.ContinuedAsNew
                : episode ? OrchestrationStatus.Running
                : OrchestrationStatus.Pending);
        return new InstanceSummary(
            generation,
            batchCount,
            started,
            status,
            newest.Events[^1].Timestamp,
            !episode ? null
                : (completed is not null || continuedAsNew) && newest.CustomStatus is not null ? newest.CustomStatus
                : statusRecord is not null && statusRecord.AppliesTo(started.ExecutionId, batchCount) ? statusRecord.CustomStatus
                : newest.CustomStatus,
            completed);
    }
}
