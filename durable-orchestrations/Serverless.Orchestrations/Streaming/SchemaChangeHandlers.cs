using Serverless.Cdc.Writer;
using Serverless.Orchestrations.Jobs;

namespace Serverless.Orchestrations.Streaming;

/// <summary>
/// The one place the writers' <see cref="ISchemaChangeHandler"/> is built. For now a DDL stops its table
/// (<see cref="StopOnSchemaChange"/>): every change before it is in the lake, the rest stays in the change log.
/// </summary>
public static class SchemaChangeHandlers
{
    public static ISchemaChangeHandler For(JobEnvironment job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new StopOnSchemaChange();
    }
}
