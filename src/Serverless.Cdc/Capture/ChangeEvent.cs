using Serverless.MySql.Replication;

namespace Serverless.Cdc.Capture;

/// <summary>
/// One change as capture publishes it and writers apply it: a row inserted, updated or deleted (with the full row image)
/// or a DDL statement, with the source position that orders it. Writers merge by key with "the highest
/// <see cref="SourcePosition"/> wins", so a change delivered twice (capture re-publishes from its checkpoint after a crash)
/// is harmless. An update that changes the key is published as a delete of the old key and an insert of the new one.
/// </summary>
public sealed class ChangeEvent
{
    public required ChangeKind Kind { get; init; }

    /// <summary>The source database (MySQL schema) of the table, or the default database of a DDL statement.</summary>
    public required string Database { get; init; }

    /// <summary>The table; empty for a DDL statement that names no single table.</summary>
    public required string Table { get; init; }

    /// <summary>
    /// The version of the table's schema the row image follows. Capture keeps a counter per table, starting from the
    /// version discovery recorded (1 when none), and a DDL event carries the version it introduces (one more than the
    /// rows before it; a CREATE TABLE starts a table at 1), so rows after the DDL carry the same number.
    /// </summary>
    public long SchemaVersion { get; init; }

    /// <summary>Where the change is in the binlog of the server it was read from.</summary>
    public required BinlogPosition Position { get; init; }

    /// <summary>
    /// Which server <see cref="Position"/> belongs to: 0 for the server P0 was read from, one more after each failover
    /// capture followed (see <see cref="Capture.SourcePosition"/>).
    /// </summary>
    public long SourceGeneration { get; init; }

    /// <summary>The generation and binlog position together: what orders changes of a key, across failovers too.</summary>
    public SourcePosition SourcePosition => new(SourceGeneration, Position);

    /// <summary>The transaction's GTID in the source's text form, or null.</summary>
    public string? Gtid { get; init; }

    /// <summary>When the source committed the transaction.</summary>
    public DateTimeOffset CommitTime { get; init; }

    /// <summary>The key column values in key order (empty for DDL). Partitioning and the writers' merge use it.</summary>
    public IReadOnlyList<ChangeValue> Key { get; init; } = [];

    /// <summary>The full row image in column order: the row after an insert or update, the row before a delete; empty for DDL.</summary>
    public IReadOnlyList<ChangeValue> Row { get; init; } = [];

    /// <summary>The statement of a DDL event; null otherwise.</summary>
    public string? Sql { get; init; }

    public string QualifiedTable => Table.Length == 0 ? Database : Database + "." + Table;

    public override string ToString() => $"{Kind} {QualifiedTable} at {SourcePosition}";
}
