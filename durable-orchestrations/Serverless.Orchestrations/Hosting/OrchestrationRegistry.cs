using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Durable.Runtime;
using Serverless.Orchestrations.Activities;
using Serverless.Orchestrations.StartJob;
using Serverless.Orchestrations.Streaming;

namespace Serverless.Orchestrations.Hosting;

/// <summary>
/// Registers StartJob and its activities under their durable names; hosts add a <see cref="Jobs.JobEnvironment"/> to the services.
/// Every activity's permanent failures are non-retriable (<see cref="ClassifiedActivity"/>).
/// </summary>
public static class OrchestrationRegistry
{
    /// <summary>
    /// The JSON of StartJob's payloads, with serialization code generated at build time; the embedded runtime's
    /// default converter writes the same JSON by reflection.
    /// </summary>
    public static DurableDataConverter DataConverter { get; } = DurableDataConverter.WithGeneratedTypes(StartJobJsonContext.Default);

    public static DurableTaskRegistry AddStartJob(this DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry
            .AddOrchestrator<StartJobOrchestrator>(StartJobOrchestrator.Name)
            .AddClassifiedActivity<PreflightActivity>(ActivityNames.Preflight)
            .AddClassifiedActivity<RecordStartPositionActivity>(ActivityNames.RecordStartPosition)
            .AddClassifiedActivity<DiscoverTablesActivity>(ActivityNames.DiscoverTables)
            .AddClassifiedActivity<MigrateTableActivity>(ActivityNames.MigrateTable)
            .AddClassifiedActivity<PlanChunksActivity>(ActivityNames.PlanChunks)
            .AddClassifiedActivity<ReadChunkActivity>(ActivityNames.ReadChunk)
            .AddClassifiedActivity<CommitChunksActivity>(ActivityNames.CommitChunks)
            .AddClassifiedActivity<CompleteTableSnapshotActivity>(ActivityNames.CompleteTableSnapshot);
    }

    /// <summary>
    /// Registers the streaming supervisors (capture, one writer per partition, compaction, re-snapshot) and their segment activities;
    /// hosts add a <see cref="ChangeLogHost"/> and a <see cref="StreamMonitor"/> to the services.
    /// </summary>
    public static DurableTaskRegistry AddStreaming(this DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry
            .AddOrchestrator<CaptureSupervisorOrchestrator>(StreamingNames.CaptureSupervisor)
            .AddOrchestrator<WriterSupervisorOrchestrator>(StreamingNames.WriterSupervisor)
            .AddOrchestrator<CompactionSupervisorOrchestrator>(StreamingNames.CompactionSupervisor)
            .AddOrchestrator<ResnapshotSupervisorOrchestrator>(StreamingNames.ResnapshotSupervisor)
            .AddClassifiedActivity<CaptureSegmentActivity>(StreamingNames.CaptureSegment)
            .AddClassifiedActivity<WriterSegmentActivity>(StreamingNames.WriterSegment)
            .AddClassifiedActivity<CompactTablesActivity>(StreamingNames.CompactTables)
            .AddClassifiedActivity<ResnapshotTablesActivity>(StreamingNames.ResnapshotTables);
    }

    private static DurableTaskRegistry AddClassifiedActivity<TActivity>(this DurableTaskRegistry registry, string name)
        where TActivity : ITaskActivity =>
        registry.AddActivity(name, sp => new ClassifiedActivity(ActivatorUtilities.CreateInstance<TActivity>(sp)));
}
