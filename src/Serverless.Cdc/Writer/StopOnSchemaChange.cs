using Serverless.Cdc.Capture;

namespace Serverless.Cdc.Writer;

/// <summary>
/// The interim schema-change handler until lake schema evolution exists: a DDL of a table the writer writes stops that
/// table with <see cref="SchemaEvolutionNotImplementedException"/> naming the statement and where it is; a DDL of no
/// written table (another database's, a CREATE of a table outside the job) changes nothing the writer writes.
/// </summary>
public sealed class StopOnSchemaChange : ISchemaChangeHandler
{
    public ValueTask<WriterTable?> HandleAsync(ChangeEvent ddl, WriterTable? table, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ddl);
        if (table is null)
        {
            return ValueTask.FromResult<WriterTable?>(null);
        }

        throw new SchemaEvolutionNotImplementedException(
            $"Table {table.QualifiedName} stopped at the DDL '{ddl.Sql}' ({ddl.Position}): lake schema evolution is not implemented yet. " +
            "Every change before the DDL is in the lake; the changes from the DDL on stay in the change log. Re-snapshot the table to continue.");
    }
}
