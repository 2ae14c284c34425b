using Serverless.MySql.Binlog;
using Serverless.MySql.Binlog.Events;

namespace Serverless.MySql.Replication;

/// <summary>
/// One row inserted, updated or deleted. For speed the stream reuses one instance and its value arrays: the object and
/// its values are valid until the stream moves on; call <see cref="Detach"/> to keep a copy.
/// </summary>
public sealed class RowChange : ReplicationEvent
{
    private ColumnValue[] before = [];
    private ColumnValue[] after = [];

    public RowChangeKind Kind { get; internal set; }

    public TableMapEvent Table { get; internal set; } = null!;

    public string DatabaseName => Table.DatabaseName;

    public string TableName => Table.TableName;

    /// <summary>The row before the change (updates and deletes); empty for inserts.</summary>
    public ReadOnlySpan<ColumnValue> Before => Kind == RowChangeKind.Insert ? [] : before.AsSpan(0, Table.Columns.Count);

    /// <summary>The row after the change (inserts and updates); empty for deletes.</summary>
    public ReadOnlySpan<ColumnValue> After => Kind == RowChangeKind.Delete ? [] : after.AsSpan(0, Table.Columns.Count);

    internal ColumnValue[] BeforeBuffer => before;

    internal ColumnValue[] AfterBuffer => after;

    internal void EnsureCapacity(int columns)
    {
        if (before.Length < columns)
        {
            before = new ColumnValue[columns];
            after = new ColumnValue[columns];
        }
    }

    /// <summary>A copy that owns its values and no longer references the stream's buffers.</summary>
    public RowChange Detach()
    {
        var copy = new RowChange
        {
            Kind = Kind, Table = Table, Position = Position, Gtid = Gtid, CommitTime = CommitTime, ResumePoint = ResumePoint,
        };
        var columns = Table.Columns.Count;
        copy.EnsureCapacity(columns);
        for (var i = 0; i < columns; i++)
        {
            copy.before[i] = before[i].Detach();
            copy.after[i] = after[i].Detach();
        }

        return copy;
    }

    public override string ToString() => $"{Kind} {DatabaseName}.{TableName} at {Position}";
}
