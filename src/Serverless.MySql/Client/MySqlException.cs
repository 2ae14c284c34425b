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

    internal static MySqlException Protocol(string what) =>
        new(MySqlErrorKind.Protocol, $"MySQL protocol error: {what}. The server sent data this client does not understand; check that host:port is a MySQL/MariaDB server and not a proxy speaking another protocol.")
        {
            ConnectionBroken = true,
        };
}
