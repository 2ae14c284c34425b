namespace Serverless.Cdc.Verify;

/// <summary>
/// The differences of one pass: counted by kind, and described row by row only up to a limit, so a lake that lacks a
/// whole table (a snapshot still running) costs counting, not memory per row.
/// </summary>
internal sealed class DifferenceTally(int keep)
{
    private readonly long[] counts = new long[Enum.GetValues<DifferenceKind>().Length];
    private readonly List<RowDifference> kept = [];

    public long Total => counts.Sum();

    /// <summary>The described differences, at most the limit, in the order found.</summary>
    public IReadOnlyList<RowDifference> Kept => kept;

    public long Count(DifferenceKind kind) => counts[(int)kind];

    /// <summary>Counts a difference of <paramref name="kind"/> and describes it while under the limit.</summary>
    public void Add(DifferenceKind kind, Func<RowDifference> describe)
    {
        counts[(int)kind]++;
        if (kept.Count < keep)
        {
            kept.Add(describe());
        }
    }
}
