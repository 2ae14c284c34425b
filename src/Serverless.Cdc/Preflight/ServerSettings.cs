using System.Globalization;
using Serverless.MySql.Client;

namespace Serverless.Cdc.Preflight;

/// <summary>The server variables and status preflight judges (global values: the binlog reflects every session).</summary>
public sealed record ServerSettings
{
    public required MySqlServerVersion Version { get; init; }

    public bool LogBin { get; init; }

    public string? BinlogFormat { get; init; }

    public string? BinlogRowImage { get; init; }

    /// <summary>Null when the server has no such variable (MySQL before 8.0.14, MariaDB before 10.5).</summary>
    public string? BinlogRowMetadata { get; init; }

    public double? ExpireLogsDays { get; init; }

    public long? BinlogExpireLogsSeconds { get; init; }

    public string? GtidMode { get; init; }

    /// <summary>True when SHOW STATUS has Binlog_snapshot_file (MariaDB, Percona).</summary>
    public bool HasBinlogSnapshotStatus { get; init; }

    /// <summary>The binlog retention in effect, or null when binlogs never expire.</summary>
    public TimeSpan? Retention
    {
        get
        {
            if (BinlogExpireLogsSeconds is > 0)
            {
                return TimeSpan.FromSeconds(BinlogExpireLogsSeconds.Value);
            }

            return ExpireLogsDays is > 0 ? TimeSpan.FromDays(ExpireLogsDays.Value) : null;
        }
    }

    public static async Task<ServerSettings> ReadAsync(MySqlConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var rows = await connection.QueryTextRowsAsync(
            "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('log_bin', 'binlog_format', 'binlog_row_image', 'binlog_row_metadata', " +
            "'expire_logs_days', 'binlog_expire_logs_seconds', 'gtid_mode')",
            cancellationToken).ConfigureAwait(false);
        var v = rows.ToDictionary(r => r[0]!.ToLowerInvariant(), r => r[1], StringComparer.Ordinal);
        var status = await connection.QueryTextRowsAsync("SHOW GLOBAL STATUS LIKE 'binlog_snapshot_file'", cancellationToken).ConfigureAwait(false);
        return new ServerSettings
        {
            Version = connection.ServerVersion,
            LogBin = v.GetValueOrDefault("log_bin") is "ON" or "1",
            BinlogFormat = v.GetValueOrDefault("binlog_format"),
            BinlogRowImage = v.GetValueOrDefault("binlog_row_image"),
            BinlogRowMetadata = v.GetValueOrDefault("binlog_row_metadata"),
            ExpireLogsDays = double.TryParse(v.GetValueOrDefault("expire_logs_days"), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null,
            BinlogExpireLogsSeconds = long.TryParse(v.GetValueOrDefault("binlog_expire_logs_seconds"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : null,
            GtidMode = v.GetValueOrDefault("gtid_mode"),
            HasBinlogSnapshotStatus = status.Count > 0,
        };
    }
}
