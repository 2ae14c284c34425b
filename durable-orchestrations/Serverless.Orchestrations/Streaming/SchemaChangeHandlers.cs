using Microsoft.Extensions.Logging;
using Serverless.Cdc.Schema.Evolution;
using Serverless.Cdc.Writer;
using Serverless.Delta;
using Serverless.Orchestrations.Jobs;

namespace Serverless.Orchestrations.Streaming;

/// <summary>
/// The one place the writers' <see cref="ISchemaChangeHandler"/> is built: DDL from the binlog evolves the lake tables
/// in order with the rows, as the job's <c>schemaChanges</c> says (<see cref="SchemaChangeEvolver"/>).
/// </summary>
public static class SchemaChangeHandlers
{
    public static ISchemaChangeHandler For(JobEnvironment job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var naming = job.Spec.Target.Naming;
        return new SchemaChangeEvolver(
            job.Spec,
            (database, table) => new TableLocation(job.Lake, naming.LakeTableName(database, table)),
            job.LoggerFactory.CreateLogger<SchemaChangeEvolver>());
    }
}
