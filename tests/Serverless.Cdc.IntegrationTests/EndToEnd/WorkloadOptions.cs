namespace Serverless.Cdc.IntegrationTests.EndToEnd;

/// <summary>The shape of a <see cref="Workload"/>; the seed makes a run replayable statement by statement.</summary>
internal sealed record WorkloadOptions
{
    public int Seed { get; init; }

    /// <summary>Keys of the hot table: few, so the same rows are updated, deleted and re-inserted over and over.</summary>
    public int HotKeys { get; init; } = 40;

    public int InitialOrders { get; init; } = 60_000;

    public int InitialCodes { get; init; } = 2_000;

    /// <summary>The largest transaction: one of this many rows runs at a seeded point among the first transactions.</summary>
    public int LargestTransactionRows { get; init; } = 100_000;

    /// <summary>DDL mid-stream (ADD COLUMN on orders, then rows using it), evolved into the lake by the writers.</summary>
    public bool Ddl { get; init; } = true;
}
