namespace Serverless.Cdc.Schema;

/// <summary>
/// The columns the pipeline adds to every lake table.
/// <para>
/// <c>_cdc_position</c> is <c>decimal(38,0)</c> holding <see cref="Serverless.Cdc.Capture.SourcePosition.SortKey"/>:
/// source generation × 2^103 + binlog file index × 2^72 + event offset × 2^32 + row index within the event. Bits 0-31
/// row, 32-71 offset (40 bits), 72-102 file (31 bits: servers number files up to 2^31 - 1), 103-125 generation (23
/// bits), so the largest value is 2^126 - 1, below 10^38. The generation is 0 on the server P0 was read from and grows
/// by one at each failover capture follows, so a later server's changes sort above every earlier one's although it
/// numbers its binlog files on its own; in generation 0 the value is <see cref="Serverless.MySql.Replication.BinlogPosition.SortKey"/>
/// exactly, as lake tables written before generations existed hold it. It sorts exactly like source positions
/// (numerically, in SQL and in Delta min/max statistics) and unlike a string costs 16 bytes before encoding; all rows
/// of one snapshot chunk share one value, so dictionary encoding reduces the column to almost nothing. A long cannot
/// hold file, offset and row without losing one of them.
/// </para>
/// <para><c>_cdc_ts</c> is the source commit time (UTC timestamp); for snapshot rows, the time the chunk's read view was taken.</para>
/// <para><c>_cdc_deleted</c> (boolean, only with soft delete) is true for rows deleted at the source.</para>
/// </summary>
public static class CdcColumns
{
    public const string Position = "_cdc_position";
    public const string Timestamp = "_cdc_ts";
    public const string Deleted = "_cdc_deleted";

    /// <summary>Precision and scale of <see cref="Position"/>.</summary>
    public const int PositionPrecision = 38;

    public static bool IsReserved(string columnName) =>
        string.Equals(columnName, Position, StringComparison.OrdinalIgnoreCase) ||
        string.Equals(columnName, Timestamp, StringComparison.OrdinalIgnoreCase) ||
        string.Equals(columnName, Deleted, StringComparison.OrdinalIgnoreCase);
}
