using Serverless.MySql.Replication;

namespace Serverless.MySql.Binlog.Events;

/// <summary>MariaDB GTID_LIST: at the start of each binlog file, the last GTID of every domain in earlier files.</summary>
public sealed class MariaDbGtidListEvent(BinlogEventHeader header, IReadOnlyList<MariaDbGtid> gtids) : BinlogEvent(header)
{
    public IReadOnlyList<MariaDbGtid> Gtids { get; } = gtids;
}
