using System.Text;
using Serverless.MySql.Protocol;

namespace Serverless.Testing;

/// <summary>
/// A scripted MySQL 8 server for one connection, for statements the local MariaDB cannot answer (MySQL's
/// performance_schema.log_status, for one): it accepts the login (mysql_native_password, not checked), then answers
/// every COM_QUERY with what the responder returns — an OK or a text result set built from the protocol
/// documentation — and records the statements in the order they came.
/// </summary>
public sealed class ScriptedSqlServer : IAsyncDisposable
{
    private const CapabilityFlags Capabilities =
        CapabilityFlags.LongPassword | CapabilityFlags.LongFlag | CapabilityFlags.ConnectWithDb | CapabilityFlags.Protocol41 |
        CapabilityFlags.Transactions | CapabilityFlags.SecureConnection | CapabilityFlags.MultiResults | CapabilityFlags.PluginAuth |
        CapabilityFlags.PluginAuthLengthEncodedClientData | CapabilityFlags.DeprecateEof | CapabilityFlags.ConnectAttrs;

    private readonly ProtocolScriptedServer server;
    private readonly List<string> statements = [];

    private ScriptedSqlServer(Func<string, Reply> respond, string version)
    {
        server = ProtocolScriptedServer.Start(async s =>
        {
            await s.SendAsync(0, ProtocolScriptedServer.Handshake(Capabilities, Encoding.ASCII.GetBytes("abcdefghij0123456789"), "mysql_native_password", version));
            await s.ReceiveAsync();
            await s.SendAsync(2, ProtocolScriptedServer.Ok());
            while (true)
            {
                var (_, packet) = await s.ReceiveAsync();
                if (packet.Length == 0 || packet[0] == 0x01)
                {
                    return; // COM_QUIT
                }

                if (packet[0] != 0x03)
                {
                    throw new InvalidDataException($"The scripted server only answers COM_QUERY; got command 0x{packet[0]:x2}.");
                }

                var sql = Encoding.UTF8.GetString(packet.AsSpan(1));
                lock (statements)
                {
                    statements.Add(sql);
                }

                await SendAsync(s, respond(sql));
            }
        });
    }

    public int Port => server.Port;

    /// <summary>Statements received so far, in order.</summary>
    public IReadOnlyList<string> Statements
    {
        get
        {
            lock (statements)
            {
                return [.. statements];
            }
        }
    }

    /// <summary>Completes when the client quits; faults with anything the script could not answer.</summary>
    public Task Completion => server.Completion;

    public static ScriptedSqlServer Start(Func<string, Reply> respond, string version = "8.0.36") => new(respond, version);

    public ValueTask DisposeAsync() => server.DisposeAsync();

    /// <summary>Sends an OK or a text result set as the reply to a command (sequence numbers from 1).</summary>
    public static async Task SendAsync(ProtocolScriptedServer.Session s, Reply reply)
    {
        if (reply.Columns.Count == 0)
        {
            await s.SendAsync(1, ProtocolScriptedServer.Ok());
            return;
        }

        byte seq = 1;
        await s.SendAsync(seq++, [(byte)reply.Columns.Count]);
        foreach (var (name, type) in reply.Columns)
        {
            await s.SendAsync(seq++, ProtocolScriptedServer.ColumnDefinition(name, type, 255, ColumnFlags.None));
        }

        foreach (var row in reply.Rows)
        {
            var payload = new List<byte>();
            foreach (var value in row)
            {
                if (value is null)
                {
                    payload.Add(0xFB);
                    continue;
                }

                var bytes = Encoding.UTF8.GetBytes(value);
                if (bytes.Length < 251)
                {
                    payload.Add((byte)bytes.Length);
                }
                else
                {
                    payload.AddRange([0xFC, (byte)bytes.Length, (byte)(bytes.Length >> 8)]);
                }

                payload.AddRange(bytes);
            }

            await s.SendAsync(seq++, [.. payload]);
        }

        await s.SendAsync(seq, ProtocolScriptedServer.Ok(0xFE));
    }

    /// <summary>An OK (no columns) or a text result set.</summary>
    public sealed record Reply(IReadOnlyList<(string Name, ColumnType Type)> Columns, IReadOnlyList<string?[]> Rows)
    {
        public static Reply Ok { get; } = new([], []);

        public static Reply ResultSet(IReadOnlyList<(string Name, ColumnType Type)> columns, params string?[][] rows) => new(columns, rows);

        public static Reply Scalar(string name, ColumnType type, string? value) => new([(name, type)], [[value]]);
    }
}
