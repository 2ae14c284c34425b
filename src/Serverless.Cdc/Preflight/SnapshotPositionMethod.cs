namespace Serverless.Cdc.Preflight;

/// <summary>
/// How a chunk learns its exact low-watermark position Lc: a position such that every transaction below it in the
/// binlog is visible to the chunk's read (DESIGN.md, Snapshot). SHOW MASTER STATUS before a SELECT is not exact.
/// </summary>
public enum SnapshotPositionMethod
{
    /// <summary>No exact method applies; the job cannot snapshot this source.</summary>
    None,

    /// <summary>MariaDB/Percona: START TRANSACTION WITH CONSISTENT SNAPSHOT, then SHOW STATUS LIKE 'binlog_snapshot_%'.</summary>
    ConsistentSnapshotStatus,

    /// <summary>MySQL 8.0.17+ with BACKUP_ADMIN: performance_schema.log_status read before the consistent snapshot starts.</summary>
    LogStatus,

    /// <summary>MySQL with GTIDs: @@global.gtid_executed read before the snapshot; a transaction is older when its GTID is in the set.</summary>
    GtidExecuted,
}
