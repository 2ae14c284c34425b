using System.Text;
using Serverless.MySql.Client;

namespace Serverless.MySql.Protocol;

/// <summary>An ERR packet (header 0xFF): error number, SQL state and message, turned into a <see cref="MySqlException"/>.</summary>
public static class ErrorPacket
{
    public const byte Header = 0xFF;

    public static MySqlException ToException(ReadOnlySpan<byte> payload, string? context = null)
    {
        var r = new PayloadReader(payload, "ERR packet");
        r.Skip(1);
        var number = r.Remaining >= 2 ? r.ReadUInt16() : 0;
        var state = "HY000";
        if (r.Remaining >= 6 && r.PeekByte() == (byte)'#')
        {
            r.Skip(1);
            state = Encoding.ASCII.GetString(r.ReadBytes(5));
        }

        var message = Encoding.UTF8.GetString(r.ReadRest());
        return Create(number, state, message, context);
    }

    /// <summary>Maps a server error to a kind and adds how to fix it.</summary>
    public static MySqlException Create(int number, string sqlState, string serverMessage, string? context = null)
    {
        var (kind, hint) = number switch
        {
            1045 or 1698 => (MySqlErrorKind.AccessDenied, "Check the user name and password, and that the user has a grant for the host this client connects from."),
            1049 => (MySqlErrorKind.UnknownDatabase, "Create the database or fix the database name in the connection options."),
            1040 => (MySqlErrorKind.TooManyConnections, "Close idle connections or raise the server's max_connections."),
            1203 or 1226 => (MySqlErrorKind.TooManyConnections, "The account's connection or resource limit is reached: close idle connections or raise max_user_connections / MAX_USER_CONNECTIONS."),
            1317 or 1927 or 3024 or 1969 => (MySqlErrorKind.QueryInterrupted, "The statement was killed or exceeded max_execution_time/max_statement_time."),
            1129 => (MySqlErrorKind.Server, "The host is blocked after too many connection errors; run FLUSH HOSTS on the server."),
            1130 => (MySqlErrorKind.AccessDenied, "The server has no user entry for the host this client connects from; add a grant for it."),
            3159 => (MySqlErrorKind.TlsRequiredByServer, "The server accepts only TLS connections (require_secure_transport=ON): set TlsMode to Required, VerifyCa or VerifyFull."),
            1251 => (MySqlErrorKind.AuthenticationMethodNotSupported, "The server wants an authentication method this client does not offer."),
            _ => (MySqlErrorKind.Server, string.Empty),
        };

        var prefix = context is null ? string.Empty : context + ": ";
        var text = $"{prefix}MySQL error {number} ({sqlState}): {serverMessage}";
        if (hint.Length > 0)
        {
            text += " " + hint;
        }

        return new MySqlException(kind, number, sqlState, text) { ServerMessage = serverMessage };
    }
}
