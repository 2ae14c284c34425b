using System.Globalization;
using Serverless.MySql.Client;

namespace Serverless.Orchestrations.Jobs;

/// <summary>Reads the source's current binlog end and GTID state: the start position P0 of change capture.</summary>
public static class StartPositionReader
{
    public static async Task<StartPosition> ReadAsync(MySqlConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        IReadOnlyList<string?[]> status;
        try
        {
            status = await connection.QueryTextRowsAsync("SHOW MASTER STATUS", cancellationToken).ConfigureAwait(false);
        }
        catch (MySqlException e) when (e.ErrorNumber != 0)
        {
            // MySQL 8.4 removed SHOW MASTER STATUS in favour of SHOW BINARY LOG STATUS.
            status = await connection.QueryTextRowsAsync("SHOW BINARY LOG STATUS", cancellationToken).ConfigureAwait(false);
        }

        if (status.Count == 0 || string.IsNullOrEmpty(status[0][0]) || !long.TryParse(status[0][1], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            throw new InvalidOperationException(
                $"{connection.Options.Endpoint} reports no binlog position (SHOW MASTER STATUS is empty): the binary log is off or the user lacks BINLOG MONITOR / REPLICATION CLIENT. " +
                "Enable log_bin and grant the privilege (preflight lists the exact fix).");
        }

        var gtidVariable = connection.ServerVersion.Flavor == MySqlServerFlavor.MariaDb ? "@@global.gtid_binlog_pos" : "@@global.gtid_executed";
        var gtid = await connection.QueryScalarAsync("SELECT " + gtidVariable, cancellationToken).ConfigureAwait(false);
        var now = await connection.QueryScalarAsync("SELECT UTC_TIMESTAMP(6)", cancellationToken).ConfigureAwait(false);
        return new StartPosition(
            status[0][0]!,
            offset,
            string.IsNullOrWhiteSpace(gtid) ? null : gtid.Replace("\n", string.Empty, StringComparison.Ordinal),
            DateTime.SpecifyKind(DateTime.Parse(now!, CultureInfo.InvariantCulture), DateTimeKind.Utc));
    }
}
