using System.Globalization;
using Serverless.MySql.Replication;

namespace Serverless.Orchestrations.Jobs;

/// <summary>
/// P0: the source's binlog position (and GTID state) read before any snapshot chunk. Every chunk's exact position
/// Lc is at or after it, so change capture that starts here misses nothing the snapshot did not read.
/// </summary>
/// <param name="BinlogFile">The binlog file, e.g. <c>mariadb-bin.000012</c>.</param>
/// <param name="Offset">The byte offset in that file where the next event will be written.</param>
/// <param name="Gtid">MariaDB's <c>gtid_binlog_pos</c> or MySQL's <c>gtid_executed</c>; null or empty without GTIDs.</param>
/// <param name="RecordedAtUtc">When it was read.</param>
public sealed record StartPosition(string BinlogFile, long Offset, string? Gtid, DateTime RecordedAtUtc)
{
    public BinlogPosition ToBinlogPosition() => new(BinlogFile, Offset);

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{BinlogFile}:{Offset}") + (string.IsNullOrEmpty(Gtid) ? string.Empty : $" (gtid {Gtid})");
}
