using Serverless.MySql.Binlog;
using Serverless.MySql.Binlog.Events;

namespace Serverless.MySql.Replication;

/// <summary>
/// Groups decoded binlog events into transactions (GTID or BEGIN … XID/COMMIT, or a standalone DDL) and turns rows events
/// into row changes as they arrive, so a large transaction streams instead of being held whole. After a resume it skips
/// everything at or before the last delivered position, which makes restarting at a transaction's first event safe.
/// </summary>
public sealed class ChangeEventAssembler
{
    private readonly Func<TableMapEvent, bool>? tableFilter;
    private readonly RowChange row = new();
    private readonly BinlogPosition skipThrough;
    private bool inTransaction;
    private bool standalone;
    private bool mySqlGtidAwaitingBegin;
    private BinlogPosition transactionStart;
    private BinlogPosition nextStart;
    private BinlogPosition lastDelivered;
    private string? gtid;
    private MariaDbGtidEvent? mariaDbGtid;
    private string? gtidStateBefore;
    private DateTimeOffset commitTime;
    private long rowsInTransaction;

    public ChangeEventAssembler(ReplicationResumePoint resumeFrom = default, Func<TableMapEvent, bool>? tableFilter = null)
    {
        this.tableFilter = tableFilter;
        skipThrough = resumeFrom.LastDelivered;
        lastDelivered = resumeFrom.LastDelivered;
        nextStart = resumeFrom.TransactionStart;
        GtidState = resumeFrom.GtidStateBefore is { Length: > 0 } state ? MariaDbGtidList.Parse(state) : new MariaDbGtidList();
    }

    /// <summary>MariaDB GTID position after the last completed transaction seen.</summary>
    public MariaDbGtidList GtidState { get; }

    public bool InTransaction => inTransaction;

    /// <summary>Where a new dump must start so that nothing is lost, and what it must skip so that nothing repeats.</summary>
    public ReplicationResumePoint RestartPoint => inTransaction
        ? new ReplicationResumePoint(transactionStart, lastDelivered, gtidStateBefore)
        : new ReplicationResumePoint(nextStart, lastDelivered, GtidState.Count > 0 ? GtidState.ToString() : null);

    /// <summary>Applies one event; yields the changes it carries. Row changes reuse one instance (see <see cref="RowChange"/>).</summary>
    public IEnumerable<ReplicationEvent> Apply(BinlogEvent binlogEvent, string fileName)
    {
        ArgumentNullException.ThrowIfNull(binlogEvent);
        var header = binlogEvent.Header;
        switch (binlogEvent)
        {
            case RotateEvent rotate:
                if (!inTransaction)
                {
                    nextStart = new BinlogPosition(rotate.NextFileName, (long)rotate.NextPosition);
                }

                break;
            case MariaDbGtidListEvent list:
                foreach (var g in list.Gtids)
                {
                    if (GtidState.LastOf(g.DomainId) is not { } known || known.SequenceNumber < g.SequenceNumber)
                    {
                        GtidState.Advance(g);
                    }
                }

                break;
            case MariaDbGtidEvent mariaDb:
                Begin(fileName, header, mariaDb.Gtid.ToString(), DateTimeOffset.FromUnixTimeSeconds(header.Timestamp));
                mariaDbGtid = mariaDb;
                standalone = mariaDb.IsStandalone;
                break;
            case MySqlGtidEvent mySql:
                Begin(fileName, header, mySql.IsAnonymous ? null : mySql.Gtid.ToString(),
                    mySql.ImmediateCommitMicroseconds is { } micros and > 0
                        ? DateTimeOffset.UnixEpoch.AddTicks((long)micros * 10)
                        : DateTimeOffset.FromUnixTimeSeconds(header.Timestamp));
                mySqlGtidAwaitingBegin = true;
                break;
            case QueryEvent query:
                foreach (var e in ApplyQuery(query, fileName))
                {
                    yield return e;
                }

                break;
            case XidEvent:
                if (inTransaction)
                {
                    var commit = End(fileName, header);
                    if (commit is not null)
                    {
                        yield return commit;
                    }
                }

                break;
            case RowsEvent rows:
                foreach (var e in ApplyRows(rows, fileName))
                {
                    yield return e;
                }

                break;
        }
    }

    private IEnumerable<ReplicationEvent> ApplyQuery(QueryEvent query, string fileName)
    {
        var header = query.Header;
        if (query.IsBegin)
        {
            if (!inTransaction)
            {
                Begin(fileName, header, null, DateTimeOffset.FromUnixTimeSeconds(header.Timestamp));
            }

            standalone = false;
            mySqlGtidAwaitingBegin = false;
            yield break;
        }

        if (query.IsCommit || query.IsRollback)
        {
            if (inTransaction)
            {
                var commit = End(fileName, header);
                if (commit is not null)
                {
                    yield return commit;
                }
            }

            yield break;
        }

        // DDL (or another statement logged as text). After a MySQL GTID without BEGIN it is a standalone group.
        if (mySqlGtidAwaitingBegin)
        {
            standalone = true;
            mySqlGtidAwaitingBegin = false;
        }

        var implicitGroup = !inTransaction;
        if (implicitGroup)
        {
            Begin(fileName, header, null, DateTimeOffset.FromUnixTimeSeconds(header.Timestamp));
            standalone = true;
        }

        var position = new BinlogPosition(fileName, header.EventOffset);
        if (position > skipThrough || skipThrough.IsEmpty)
        {
            lastDelivered = position;
            yield return new DdlChange
            {
                Schema = query.Schema, Sql = query.Sql, Position = position, Gtid = gtid, CommitTime = commitTime,
                ResumePoint = new ReplicationResumePoint(transactionStart, position, gtidStateBefore),
            };
        }

        if (standalone)
        {
            // A standalone statement is its own transaction: its commit is the restart point that lies after it, so a
            // consumer that checkpoints only at commits does not replay the DDL after a restart.
            var commit = End(fileName, header);
            if (commit is not null)
            {
                yield return commit;
            }
        }
    }

    private IEnumerable<ReplicationEvent> ApplyRows(RowsEvent rows, string fileName)
    {
        if (!inTransaction)
        {
            // Rows without BEGIN (non-transactional engines on some servers): the statement is its own group.
            Begin(fileName, rows.Header, null, DateTimeOffset.FromUnixTimeSeconds(rows.Header.Timestamp));
        }

        var included = tableFilter?.Invoke(rows.Table) ?? true;
        var columns = rows.Table.Columns.Count;
        row.EnsureCapacity(columns);
        var offset = 0;
        var rowIndex = 0;
        var eventPosition = new BinlogPosition(fileName, rows.Header.EventOffset);
        while (true)
        {
            var next = rows.ReadRow(offset, row.BeforeBuffer, row.AfterBuffer);
            if (next < 0)
            {
                break;
            }

            offset = next;
            var position = eventPosition.WithRow(rowIndex++);
            if (!included || (!skipThrough.IsEmpty && position <= skipThrough))
            {
                continue;
            }

            row.Kind = rows.Kind switch
            {
                RowsEventKind.Write => RowChangeKind.Insert,
                RowsEventKind.Update => RowChangeKind.Update,
                _ => RowChangeKind.Delete,
            };
            row.Table = rows.Table;
            row.Position = position;
            row.Gtid = gtid;
            row.CommitTime = commitTime;
            row.ResumePoint = new ReplicationResumePoint(transactionStart, position, gtidStateBefore);
            lastDelivered = position;
            rowsInTransaction++;
            yield return row;
        }
    }

    private void Begin(string fileName, BinlogEventHeader header, string? transactionGtid, DateTimeOffset time)
    {
        inTransaction = true;
        standalone = false;
        mySqlGtidAwaitingBegin = false;
        mariaDbGtid = null;
        transactionStart = new BinlogPosition(fileName, header.EventOffset);
        gtid = transactionGtid;
        gtidStateBefore = GtidState.Count > 0 ? GtidState.ToString() : null;
        commitTime = time;
        rowsInTransaction = 0;
    }

    private TransactionCommit? End(string fileName, BinlogEventHeader header)
    {
        inTransaction = false;
        if (mariaDbGtid is not null)
        {
            GtidState.Advance(mariaDbGtid.Gtid);
        }

        var position = new BinlogPosition(fileName, header.EventOffset);
        nextStart = new BinlogPosition(fileName, header.NextPosition);
        var rows = rowsInTransaction;
        rowsInTransaction = 0;
        if (!skipThrough.IsEmpty && position <= skipThrough)
        {
            return null;
        }

        lastDelivered = position;
        return new TransactionCommit
        {
            Position = position, Gtid = gtid, CommitTime = commitTime, RowCount = rows,
            ResumePoint = new ReplicationResumePoint(nextStart, position, GtidState.Count > 0 ? GtidState.ToString() : null),
        };
    }
}
