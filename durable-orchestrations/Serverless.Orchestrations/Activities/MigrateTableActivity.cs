using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Serverless.Cdc.Capture;
using Serverless.Cdc.Schema;
using Serverless.Durable.Runtime;
using Serverless.Orchestrations.Jobs;
using Serverless.Orchestrations.Lake;

namespace Serverless.Orchestrations.Activities;

/// <summary>Creates the lake table for a source table, or verifies and evolves its schema; reports the snapshot's standing.</summary>
public sealed class MigrateTableActivity(JobEnvironment job, ILogger<MigrateTableActivity> logger) : TaskActivity<MigrateTableInput, TableMigration>
{
    public override async Task<TableMigration> RunAsync(TaskActivityContext context, MigrateTableInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        job.EnsureJob(input.JobName);
        var ct = context.GetCancellationToken();
        var lakeTable = job.Tables.NameOf(input.Table);
        var mapping = TypeMapper.Map(input.Table, job.Spec.Types, job.Spec.Target.SoftDelete);
        var discovered = await job.State.GetDiscoveryPositionAsync(ct).ConfigureAwait(false);
        var discoveryPosition = discovered is null ? (UInt128?)null : new SourcePosition(0, discovered.ToBinlogPosition()).SortKey;

        // A table created now records its snapshot's discovery in the creating commit (RecordAsync below then finds it there).
        var creationProperties = discoveryPosition is { } p ? LakeSnapshotRecord.Properties(new Dictionary<string, string>(), mapping.Table, p) : new Dictionary<string, string>();
        LakeMigration migration;
        try
        {
            migration = await new LakeSchemaMigrator(job.Tables, logger).MigrateAsync(mapping, lakeTable, job.Spec.Target.WriteMode, job.JobName, creationProperties, ct).ConfigureAwait(false);
        }
        catch (LakeSchemaException e)
        {
            // Retrying cannot change the lake table's schema; fail the run at once with the fix.
            throw new PermanentActivityFailureException(e.Message, e);
        }

        var sequence = await new SnapshotCommitter(job.Tables, logger).CommittedSequenceAsync(lakeTable, ct).ConfigureAwait(false);
        var state = await job.State.GetTableAsync(input.Table.QualifiedName, ct).ConfigureAwait(false);
        var complete = state is { Phase: TablePhase.SnapshotComplete } && string.Equals(state.LakeTable, lakeTable, StringComparison.Ordinal) && sequence > 0;
        if (!complete && discoveryPosition is { } position)
        {
            // The chunks are read after the discovery: the table's changes below its position are in them (and skipped).
            await LakeSnapshotRecord.RecordAsync(job.Tables, lakeTable, mapping.Table, position, ct).ConfigureAwait(false);
        }

        if (!complete)
        {
            await job.State.SaveTableAsync(new TableSnapshotState { SourceTable = input.Table.QualifiedName, LakeTable = lakeTable, Phase = TablePhase.Snapshotting, LakeVersion = migration.Version }, ct).ConfigureAwait(false);
        }

        return new TableMigration(input.Table.QualifiedName, migration, sequence, complete);
    }
}
