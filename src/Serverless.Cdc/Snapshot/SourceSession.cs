using Serverless.MySql.Client;

namespace Serverless.Cdc.Snapshot;

/// <summary>Session settings every snapshot connection needs before it reads rows or key boundaries.</summary>
internal static class SourceSession
{
    /// <summary>
    /// UTF-8 results (text columns arrive as utf8mb4 bytes whatever their charset, so they go to Parquet unchanged),
    /// UTC time zone (TIMESTAMP text is UTC), and long network timeouts: a slow lake write must not make the server
    /// drop a streaming SELECT.
    /// </summary>
    public static async Task PrepareAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(
            "SET NAMES utf8mb4, time_zone = '+00:00', net_write_timeout = 86400, net_read_timeout = 86400",
            cancellationToken).ConfigureAwait(false);
        var statementLimit = connection.ServerVersion.Flavor == MySqlServerFlavor.MariaDb ? "max_statement_time = 0" : "max_execution_time = 0";
        await connection.ExecuteAsync("SET SESSION " + statementLimit, cancellationToken).ConfigureAwait(false);
    }
}
