using Serverless.Cdc.Capture;

namespace Serverless.Cdc.Writer;

/// <summary>
/// Where a partition writer hands DDL events, in order with the rows around them: every row of the table before the DDL is
/// committed to the lake first, and none after it is buffered until the handler returns. The handler evolves the lake
/// table (the DDL round) and returns the table as the rows after the DDL follow it, or throws to stop that table's writing
/// (the writer keeps the table's changes in the log, from the DDL on, and goes on with its other tables). For a table the
/// writer does not write yet, a returned table is written from then on (a table created mid-stream), and a throw marks its
/// name stopped (its changes are skipped, not held: nothing can apply them without a snapshot). For a written table, null
/// means it is no longer written (dropped, or renamed away): its lake table stays as it is and nothing of it is held.
/// </summary>
public interface ISchemaChangeHandler
{
    /// <param name="ddl">The DDL event.</param>
    /// <param name="table">The writer's table the DDL names, or null when it names none the writer writes.</param>
    /// <returns>The table to write the following rows with (<paramref name="table"/> itself when nothing changed), or null when there is none.</returns>
    ValueTask<WriterTable?> HandleAsync(ChangeEvent ddl, WriterTable? table, CancellationToken cancellationToken);
}
