using Serverless.MySql.Client;

namespace Serverless.Cdc.Preflight;

/// <summary>
/// Turns a failure to connect to (or query) the source during preflight into a problem with its fix. At preflight a
/// refused connection or an unknown host is reported at once rather than retried: the job has not started, and the
/// usual cause is a wrong host or port, which waiting does not fix.
/// </summary>
public static class SourceAccessProblems
{
    /// <summary>The problem <paramref name="failure"/> stands for, or null when it may pass by itself (retry it).</summary>
    public static PreflightProblem? From(MySqlException failure, MySqlConnectionOptions source)
    {
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentNullException.ThrowIfNull(source);
        var server = $"source {source.Endpoint}";
        var user = $"user {source.User} at {source.Endpoint}";
        var said = string.IsNullOrEmpty(failure.ServerMessage) ? failure.Message : $"the server said: {failure.ServerMessage}";
        return failure.Kind switch
        {
            MySqlErrorKind.AccessDenied when failure.ErrorNumber == 1130 => new(PreflightCheck.SourceAccess, user,
                $"the server has no account for user '{source.User}' connecting from this machine's host ({said}).",
                $"create the account for this host (CREATE USER '{source.User}'@'<this host or %>' ...) with the job's grants, or connect from a host the account allows."),
            MySqlErrorKind.AccessDenied => new(PreflightCheck.SourceAccess, user,
                $"the server refused the login: wrong password, unknown user, or no account for this client's host ({said}).",
                "check source.user and source.password (or the environment variable or file the password references); "
                + $"if they are right, check the account exists for this client's host: SELECT user, host FROM mysql.user WHERE user = '{source.User}';"),
            MySqlErrorKind.UnknownDatabase => new(PreflightCheck.SourceAccess, server, $"the database does not exist ({said}).",
                "create it, or fix the database name in the source connection."),
            MySqlErrorKind.Server when failure.ErrorNumber is 1044 or 1142 or 1143 or 1227 or 1370 => new(PreflightCheck.MissingPrivilege, user,
                $"lacks a privilege preflight needs ({said}).",
                $"GRANT the privilege the message names TO '{source.User}'@'%'; the job needs SELECT on its tables, REPLICATION SLAVE and BINLOG MONITOR (MariaDB) or REPLICATION CLIENT (MySQL)."),
            MySqlErrorKind.Server when failure.ErrorNumber == 1129 => new(PreflightCheck.SourceConnection, server,
                $"the server blocks this client's host after too many failed connections ({said}).",
                "run FLUSH HOSTS (or mariadb-admin flush-hosts) on the server, and raise max_connect_errors if it recurs."),
            MySqlErrorKind.ConnectionRefused => new(PreflightCheck.SourceConnection, server,
                "the connection was refused: nothing listens on that host and port.",
                "check source.host and source.port, and that the server is running and listening on that interface (bind_address)."),
            MySqlErrorKind.HostUnreachable => new(PreflightCheck.SourceConnection, server,
                $"the host cannot be reached or its name does not resolve ({failure.Message}).",
                "check source.host (spelling, DNS) and the network path: routing, firewall, network security group, private endpoint."),
            MySqlErrorKind.Timeout => new(PreflightCheck.SourceConnection, server,
                $"connecting timed out ({failure.Message}).",
                $"check source.host and source.port and that a firewall lets port {source.Port} through; if the server is merely slow, run the job again."),
            MySqlErrorKind.TlsNotSupported or MySqlErrorKind.TlsRequiredByServer or MySqlErrorKind.TlsFailed => new(PreflightCheck.SourceConnection, server,
                $"TLS could not be negotiated ({failure.Message}).",
                "set source.tls to what the server supports (required, verify-ca with the server's CA, or disabled on a trusted network) or fix the server's certificate."),
            MySqlErrorKind.AuthenticationMethodNotSupported => new(PreflightCheck.SourceAccess, user,
                $"the account uses an authentication method this client cannot use ({failure.Message}).",
                $"switch the account to mysql_native_password, caching_sha2_password or ed25519: ALTER USER '{source.User}'@'%' IDENTIFIED VIA ... / IDENTIFIED WITH ...;"),
            _ when !failure.IsTransient => new(PreflightCheck.SourceConnection, server, failure.Message, "see the message; retrying will not help until it is fixed."),
            _ => null,
        };
    }
}
