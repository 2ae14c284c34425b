namespace Serverless.Cdc.Writer;

/// <summary>
/// A durable request to snapshot one table again while the stream runs: its writer met a change it cannot apply in order
/// (<see cref="Schema.Evolution.TableNeedsSnapshotException"/>) and holds the table's changes from <see cref="HeldFrom"/>
/// (a sequence of partition <see cref="Partition"/>) until the lake table is marked complete at <see cref="Epoch"/>.
/// </summary>
/// <param name="Database">The source database.</param>
/// <param name="Table">The source table's name.</param>
/// <param name="Partition">The change-log partition the table's changes go to.</param>
/// <param name="HeldFrom">The first sequence of the table's changes not applied (the change that needed the snapshot).</param>
/// <param name="Epoch">The snapshot epoch the request asks for (<see cref="SnapshotCompletion.EpochProperty"/>; 1 for a table without a lake table yet).</param>
/// <param name="Reason">Why: the message of the change that could not be applied.</param>
/// <param name="RequestedAtUtc">When the writer asked.</param>
public sealed record SnapshotRequest(string Database, string Table, int Partition, long HeldFrom, long Epoch, string Reason, DateTimeOffset RequestedAtUtc)
{
    /// <summary><c>db.table</c>.</summary>
    public string QualifiedTable => Database + "." + Table;
}
