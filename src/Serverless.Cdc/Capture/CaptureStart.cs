using Serverless.MySql.Replication;

namespace Serverless.Cdc.Capture;

/// <summary>
/// Where capture starts on a job's first run: P0, the binlog position (and GTID state) the snapshot recorded before its
/// first chunk. <paramref name="Gtid"/> is MariaDB's <c>gtid_binlog_pos</c> (<c>0-1-100</c>) or MySQL's
/// <c>gtid_executed</c> (<c>uuid:1-100</c>), or null without GTIDs.
/// </summary>
public sealed record CaptureStart(BinlogPosition Position, string? Gtid = null);
