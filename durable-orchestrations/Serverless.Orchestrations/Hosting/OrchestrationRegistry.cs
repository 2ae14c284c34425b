using Microsoft.Extensions.DependencyInjection;
using Serverless.Durable.Runtime;
using Serverless.Orchestrations.Activities;
using Serverless.Orchestrations.StartJob;

namespace Serverless.Orchestrations.Hosting;

/// <summary>Registers StartJob and its activities under their durable names; hosts add a <see cref="Jobs.JobEnvironment"/> to the services.</summary>
public static class OrchestrationRegistry
{
    public static DurableTaskRegistry AddStartJob(this DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry
            .AddOrchestrator(StartJobOrchestrator.Name, sp => ActivatorUtilities.CreateInstance<StartJobOrchestrator>(sp))
            .AddActivity(ActivityNames.Preflight, sp => ActivatorUtilities.CreateInstance<PreflightActivity>(sp))
            .AddActivity(ActivityNames.RecordStartPosition, sp => ActivatorUtilities.CreateInstance<RecordStartPositionActivity>(sp))
            .AddActivity(ActivityNames.DiscoverTables, sp => ActivatorUtilities.CreateInstance<DiscoverTablesActivity>(sp))
            .AddActivity(ActivityNames.MigrateTable, sp => ActivatorUtilities.CreateInstance<MigrateTableActivity>(sp))
            .AddActivity(ActivityNames.PlanChunks, sp => ActivatorUtilities.CreateInstance<PlanChunksActivity>(sp))
            .AddActivity(ActivityNames.ReadChunk, sp => ActivatorUtilities.CreateInstance<ReadChunkActivity>(sp))
            .AddActivity(ActivityNames.CommitChunks, sp => ActivatorUtilities.CreateInstance<CommitChunksActivity>(sp))
            .AddActivity(ActivityNames.CompleteTableSnapshot, sp => ActivatorUtilities.CreateInstance<CompleteTableSnapshotActivity>(sp));
    }
}
