namespace Serverless.MySql.Client;

/// <summary>What failed, so callers can branch without parsing messages or memorising server error numbers.</summary>
public enum MySqlErrorKind
{
    /// <summary>Any server error without a more specific kind; see <see cref="MySqlException.ErrorNumber"/>.</summary>
    Server,

    /// <summary>Server error 1045 (or 1698): wrong user, password or host grant.</summary>
    AccessDenied,

    /// <summary>Server error 1049: the database named in the options does not exist.</summary>
    UnknownDatabase,

    /// <summary>Server error 1040 (or 1203): the server's max_connections or the user's limit is reached.</summary>
    TooManyConnections,

    /// <summary>The TCP connection was refused: nothing listens on host:port.</summary>
    ConnectionRefused,

    /// <summary>The host name does not resolve or the host cannot be reached.</summary>
    HostUnreachable,

    /// <summary>Connecting or waiting for the server took longer than the configured timeout.</summary>
    Timeout,

    /// <summary>TLS was required (by us or the server) but one side does not support it.</summary>
    TlsNotSupported,

    /// <summary>Server error 3159: the server accepts only TLS connections (require_secure_transport) and TLS is disabled here.</summary>
    TlsRequiredByServer,

    /// <summary>The TLS handshake or certificate validation failed.</summary>
    TlsFailed,

    /// <summary>The server asked for an authentication method this client does not implement or allow.</summary>
    AuthenticationMethodNotSupported,

    /// <summary>The server closed the connection, or the connection broke mid-conversation.</summary>
    ConnectionClosed,

    /// <summary>The server sent bytes that do not follow the protocol (or a limit of this client was exceeded).</summary>
    Protocol,

    /// <summary>Server error 1317/1927/3024/1969: the statement was interrupted (KILL QUERY or max_execution_time).</summary>
    QueryInterrupted,

    /// <summary>A value could not be converted to the requested type.</summary>
    InvalidCast,
}
