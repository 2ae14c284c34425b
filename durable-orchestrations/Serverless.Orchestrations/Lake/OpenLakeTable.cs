using Serverless.Delta;

namespace Serverless.Orchestrations.Lake;

/// <summary>An open lake table and the gate its writers in this process take (DeltaTable instances are not thread-safe).</summary>
public sealed class OpenLakeTable(DeltaTable table)
{
    public DeltaTable Table { get; } = table;

    public SemaphoreSlim Gate { get; } = new(1, 1);
}
