namespace Serverless.Durable.Runtime.Storage;

/// <summary>
/// The orchestrator's custom status as of one history batch, kept in one object per execution that every episode
/// overwrites (<c>g{generation}/status.json</c>), so history does not grow with episodes × status size. Written only
/// after its batch was appended: history is the truth and this object is never further along than it. A crash
/// between the two leaves the previous status until the next episode writes again.
/// </summary>
/// <param name="ExecutionId">The execution it belongs to, so an object left behind by an interrupted purge is not
/// taken for the status of an instance re-created under the same id.</param>
/// <param name="Batch">Index of the history batch whose episode set this status.</param>
/// <param name="CustomStatus">The custom status (JSON), or null.</param>
internal sealed record CustomStatusRecord(string ExecutionId, int Batch, string? CustomStatus)
{
    /// <summary>
    /// Whether this record is the status of the given execution as of a history of <paramref name="batchCount"/>
    /// batches: same execution, set by an episode (batch 1 or later) that history already holds.
    /// </summary>
    public bool AppliesTo(string executionId, int batchCount) =>
        Batch >= 1 && Batch < batchCount && string.Equals(ExecutionId, executionId, StringComparison.Ordinal);
}
