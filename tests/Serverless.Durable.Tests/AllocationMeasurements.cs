namespace Serverless.Durable.Tests;

/// <summary>Tests that count process-wide allocations run alone, after the parallel ones, so others' allocations do not blur them.</summary>
[CollectionDefinition(nameof(AllocationMeasurements), DisableParallelization = true)]
public sealed class AllocationMeasurements;
