namespace Serverless.MySql.Client;

/// <summary>
/// A failure talking to MySQL/MariaDB. Server errors carry the server's error number and SQL state;
/// client-side failures (network, TLS, protocol) have <see cref="ErrorNumber"/> 0.
/// </summary>
public sealed class MySqlException : Exception
{
    public MySqlException(MySqlErrorKind kind, string message, Exception? innerException = null)
        : this(kind, 0, string.Empty, message, innerException)
    {
    }

    public MySqlException(MySqlErrorKind kind, int errorNumber, string sqlState, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        ErrorNumber = errorNumber;
        SqlState = sqlState;
    }

    public MySqlException()
        : this(MySqlErrorKind.Server, "MySQL error")
    {
    }

    public MySqlException(string message)
        : this(MySqlErrorKind.Server, message)
    {
    }

    public MySqlException(string message, Exception innerException)
        : this(MySqlErrorKind.Server, message, innerException)
    {
    }

    public MySqlErrorKind Kind { get; }

    /// <summary>The server error number (e.g. 1045), or 0 for client-side failures.</summary>
    public int ErrorNumber { get; }

    /// <summary>The five-character SQL state sent by the server, or empty.</summary>
    public string SqlState { get; }

    /// <summary>The error as the server worded it (without our hints), or the client message.</summary>
    public string ServerMessage { get; init; } = string.Empty;

    /// <summary>True when the connection can no longer be used after this error.</summary>
    public bool ConnectionBroken { get; init; }

    /// <summary>
    /// True when the same operation may succeed if tried again later on a new connection: the network or the server
    /// went away (connection refused or closed, host unreachable, timeouts, server shutdown), the server is at its
    /// connection limit, the statement was killed, or a lock wait or deadlock aborted it. False for what repeats until
    /// someone changes the configuration: access denied, an unknown database, a missing privilege, TLS or
    /// authentication-method mismatch, a protocol error, a bad statement or a missing table. (Preflight reports a
    /// refused connection or an unknown host at once all the same: before a job starts, they are usually a typo.)
    /// </summary>
    public bool IsTransient => Kind switch
    {
        MySqlErrorKind.ConnectionRefused or MySqlErrorKind.HostUnreachable or MySqlErrorKind.ConnectionClosed or MySqlErrorKind.Timeout
            or MySqlErrorKind.TooManyConnections or MySqlErrorKind.QueryInterrupted => true,
        MySqlErrorKind.Server => IsTransientServerError(ErrorNumber),
        _ => false,
    };

    /// <summary>
    /// Server errors that pass on their own: lock wait timeout (1205), deadlock (1213), shutdown in progress (1053),
    /// network errors read or written by the server (1158-1161), a connection aborted (1152, 1184), idle disconnect (4031),
    /// a table altered since a consistent snapshot began (1412: a new snapshot reads it), too many concurrent transactions
    /// (1637), a statement to re-prepare (1615), and 2006/2013 (server gone, connection lost) as some proxies relay them.
    /// </summary>
    private static bool IsTransientServerError(int number) =>
        number is 1205 or 1213 or 1053 or 1152 or 1158 or 1159 or 1160 or 1161 or 1184 or 1412 or 1615 or 1637 or 4031 or 2006 or 2013;

    internal static MySqlException Protocol(string what) =>
        new(MySqlErrorKind.Protocol, $"MySQL protocol error: {what}. The server sent data this client does not understand; check that host:port is a MySQL/MariaDB server and not a proxy speaking another protocol.")
        {
            ConnectionBroken = true,
        };
}
