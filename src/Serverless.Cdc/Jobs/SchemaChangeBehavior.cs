namespace Serverless.Cdc.Jobs;

/// <summary>
/// What the writers do with DDL from the binlog (the job's <c>schemaChanges</c>), after Flink CDC's
/// <c>schema.change.behavior</c>. Whatever the behaviour, a DDL is applied in order with the rows around it.
/// </summary>
public enum SchemaChangeBehavior
{
    /// <summary>Apply every change the lake can take in place: add, drop, rename, widen, truncate, new tables.</summary>
    Evolve,

    /// <summary>
    /// Apply only what keeps the lake's existing readers working: a dropped column stays (nullable, no longer written), a
    /// renamed column is added under its new name beside the old one, a TRUNCATE keeps the lake's rows; additions, widenings
    /// and new tables are applied as under <see cref="Evolve"/>.
    /// </summary>
    Lenient,

    /// <summary>Leave the lake's schema as it is and go on writing the rows that still fit it; a row that does not stops its table.</summary>
    Ignore,

    /// <summary>Stop the table at any DDL that would change its lake table (<c>SchemaChangeRejectedException</c>).</summary>
    Fail,
}
