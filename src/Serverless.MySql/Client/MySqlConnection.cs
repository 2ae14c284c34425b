using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.MySql.Protocol;

namespace Serverless.MySql.Client;

/// <summary>
/// One connection to a MySQL or MariaDB server. Not thread-safe: one command at a time.
/// <para>
/// Queries: <see cref="QueryAsync"/> streams result sets row by row; <see cref="ExecuteAsync"/> runs a statement and
/// returns affected rows; <see cref="QueryTextRowsAsync"/> reads a small result (SHOW ..., SELECT @@...) as strings;
/// <see cref="MySqlTableStream.StreamTableAsync"/> bulk-reads a table through a row callback.
/// </para>
/// <para>
/// Raw packet access for other protocol parts (e.g. the replication stream: COM_REGISTER_SLAVE, COM_BINLOG_DUMP(_GTID)):
/// <see cref="StartCommand"/> gives a <see cref="PayloadWriter"/> with the command byte written; <see cref="SendCommandAsync(PayloadWriter, CancellationToken)"/>
/// sends it with sequence id 0; <see cref="ReadPacketAsync"/> returns the next payload (continuation packets of payloads
/// ≥ 16 MiB joined) in a buffer reused by the next read; <see cref="TryReadBufferedPacket"/> is its no-I/O fast path.
/// <see cref="Capabilities"/>, <see cref="ServerVersion"/> and <see cref="ConnectionId"/> describe the session;
/// <see cref="ReadTimeout"/> can be set to <see cref="Timeout.InfiniteTimeSpan"/> for an idle-for-long binlog stream.
/// </para>
/// </summary>
public sealed class MySqlConnection : IAsyncDisposable
{
    private const byte ComQuit = 0x01;
    private const byte ComQuery = 0x03;
    private const byte ComPing = 0x0E;
    private const byte ComStmtPrepare = 0x16;
    private const byte ComStmtExecute = 0x17;
    private const byte ComStmtClose = 0x19;

    private readonly PacketChannel channel;
    private readonly PayloadWriter writer = new(1024);
    private readonly ILogger logger;
    private MySqlResultReader? activeReader;
    private bool disposed;

    private MySqlConnection(MySqlConnectionOptions options, PacketChannel channel, ConnectionHandshake.Result handshake, ILogger logger)
    {
        Options = options;
        this.channel = channel;
        this.logger = logger;
        Capabilities = handshake.Capabilities;
        IsTls = handshake.IsTls;
        ConnectionId = handshake.Handshake.ConnectionId;
        ServerVersion = MySqlServerVersion.Parse(handshake.Handshake.ServerVersion);
        channel.ReadTimeout = options.ReadTimeout;
        channel.MaxPayloadSize = options.MaxPayloadSize;
    }

    public MySqlConnectionOptions Options { get; }

    /// <summary>Capabilities both sides agreed on (e.g. <see cref="CapabilityFlags.DeprecateEof"/>).</summary>
    public CapabilityFlags Capabilities { get; }

    public MySqlServerVersion ServerVersion { get; }

    /// <summary>The server's thread id for this session (what KILL and SHOW PROCESSLIST show).</summary>
    public uint ConnectionId { get; }

    public bool IsTls { get; }

    /// <summary>False once the transport broke or the connection was disposed.</summary>
    public bool IsUsable => !disposed && !channel.IsBroken;

    /// <summary>Longest wait for bytes from the server; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</summary>
    public TimeSpan ReadTimeout
    {
        get => channel.ReadTimeout;
        set => channel.ReadTimeout = value;
    }

    /// <summary>Bytes received from the server on this connection (for throughput metrics).</summary>
    public long BytesReceived => channel.BytesReceived;

    internal PacketChannel Channel => channel;

    internal ILogger Logger => logger;

    /// <summary>Connects, negotiates TLS and authenticates. Errors are <see cref="MySqlException"/> with a <see cref="MySqlErrorKind"/> and a fix.</summary>
    public static async Task<MySqlConnection> OpenAsync(MySqlConnectionOptions options, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        logger ??= NullLogger.Instance;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        SocketReceiveStream transport;
        try
        {
            transport = await SocketReceiveStream.ConnectAsync(options.Host, options.Port, timeout.Token).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw ConnectFailure(options, e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MySqlException(
                MySqlErrorKind.Timeout,
                $"Could not connect to {options.Name} at {options.Endpoint} within {options.ConnectTimeout.TotalSeconds:0.#} s. " +
                "Is the server running, are host and port right, and does a firewall let the connection through?",
                e);
        }

        var channel = new PacketChannel(transport, options.Endpoint, options.ReadBufferSize) { MaxPayloadSize = options.MaxPayloadSize };
        try
        {
            var handshake = await ConnectionHandshake.RunAsync(channel, options, timeout.Token).ConfigureAwait(false);
            var connection = new MySqlConnection(options, channel, handshake, logger);
            if (options.SessionTimeZone is not null)
            {
                await connection.ExecuteAsync($"SET time_zone = '{options.SessionTimeZone.Replace("'", "''", StringComparison.Ordinal)}'", timeout.Token).ConfigureAwait(false);
            }

            logger.LogDebug(
                "Connected to {Source} at {Endpoint}: {Flavor} {Version}, connection id {ConnectionId}, TLS {Tls}",
                options.Name, options.Endpoint, connection.ServerVersion.Flavor, connection.ServerVersion.Text, connection.ConnectionId, connection.IsTls);
            return connection;
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            await channel.DisposeAsync().ConfigureAwait(false);
            throw new MySqlException(
                MySqlErrorKind.Timeout,
                $"{options.Name} at {options.Endpoint} accepted the TCP connection but did not complete the handshake within {options.ConnectTimeout.TotalSeconds:0.#} s. " +
                "Check that the port belongs to a MySQL/MariaDB server and that it is not overloaded.",
                e);
        }
        catch (MySqlException e) when (e.Kind == MySqlErrorKind.ConnectionClosed)
        {
            await channel.DisposeAsync().ConfigureAwait(false);
            throw new MySqlException(
                MySqlErrorKind.ConnectionClosed,
                $"{options.Name} at {options.Endpoint} closed the connection during the handshake. The server may reject this client's host or TLS settings; see the server's error log.",
                e);
        }
        catch
        {
            await channel.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static MySqlException ConnectFailure(MySqlConnectionOptions options, SocketException e)
    {
        var where = $"{options.Name} at {options.Endpoint}";
        return e.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => new MySqlException(
                MySqlErrorKind.ConnectionRefused,
                $"Connection to {where} was refused: nothing listens there. Is the server running, and are host and port right?",
                e),
            SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => new MySqlException(
                MySqlErrorKind.HostUnreachable,
                $"Host name '{options.Host}' of {options.Name} does not resolve ({e.SocketErrorCode}). Check the host name and DNS.",
                e),
            SocketError.TimedOut => new MySqlException(
                MySqlErrorKind.Timeout,
                $"Connecting to {where} timed out. Check that the server is up and that a firewall or network security group lets port {options.Port} through.",
                e),
            _ => new MySqlException(
                MySqlErrorKind.HostUnreachable,
                $"Cannot reach {where} ({e.SocketErrorCode}: {e.Message}). Check host, port, routing and firewalls.",
                e),
        };
    }

    /// <summary>Starts a command payload in the connection's reusable writer, with <paramref name="command"/> as its first byte.</summary>
    public PayloadWriter StartCommand(byte command)
    {
        EnsureIdle();
        writer.Reset();
        writer.WriteByte(command);
        return writer;
    }

    /// <summary>Sends a command built with <see cref="StartCommand"/> (sequence id restarts at 0).</summary>
    public ValueTask SendCommandAsync(PayloadWriter command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        EnsureIdle();
        channel.Sequence = 0;
        return channel.WritePayloadAsync(command, cancellationToken);
    }

    /// <summary>Sends a complete command payload (first byte = command code).</summary>
    public ValueTask SendCommandAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        if (payload.IsEmpty)
        {
            throw new ArgumentException("A command payload starts with its command byte; this one is empty.", nameof(payload));
        }

        var w = StartCommand(payload.Span[0]);
        w.WriteBytes(payload.Span[1..]);
        return SendCommandAsync(w, cancellationToken);
    }

    /// <summary>
    /// Reads the next packet payload. The memory is reused: it is valid until the next read on this connection.
    /// Cancelling breaks the connection (the conversation state is lost).
    /// </summary>
    public ValueTask<ReadOnlyMemory<byte>> ReadPacketAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return channel.ReadPayloadAsync(cancellationToken);
    }

    /// <summary>Returns the next payload when it is already fully received (no I/O); same lifetime rules as <see cref="ReadPacketAsync"/>.</summary>
    public bool TryReadBufferedPacket(out ReadOnlyMemory<byte> payload) => channel.TryReadBuffered(out payload);

    /// <summary>
    /// Runs <paramref name="sql"/> (COM_QUERY) and returns a reader positioned on the first result. Rows stream from the
    /// socket as they are read. Dispose the reader before the next command. Cancelling
    /// <paramref name="cancellationToken"/> sends KILL QUERY from a second connection, drains, then throws OperationCanceledException.
    /// </summary>
    public async Task<MySqlResultReader> QueryAsync(string sql, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sql);
        cancellationToken.ThrowIfCancellationRequested();
        var w = StartCommand(ComQuery);
        w.WriteUtf8(sql);
        await SendCommandAsync(w, cancellationToken).ConfigureAwait(false);
        var reader = new MySqlResultReader(this, cancellationToken);
        activeReader = reader;
        await reader.ReadFirstResultAsync().ConfigureAwait(false);
        return reader;
    }

    /// <summary>
    /// Prepares <paramref name="sql"/> on the server (COM_STMT_PREPARE). Its executions return rows in the binary
    /// protocol; dispose the statement to close it on the server.
    /// </summary>
    public async Task<MySqlPreparedStatement> PrepareAsync(string sql, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sql);
        cancellationToken.ThrowIfCancellationRequested();
        var w = StartCommand(ComStmtPrepare);
        w.WriteUtf8(sql);
        await SendCommandAsync(w, cancellationToken).ConfigureAwait(false);

        // The reply is short and comes at once: read whole, so a cancellation cannot leave half of it unread.
        var ok = await ReadReplyAsync().ConfigureAwait(false);
        if (ok.Span[0] == ErrorPacket.Header)
        {
            throw ErrorPacket.ToException(ok.Span, $"Preparing a statement on {Options.Name}");
        }

        if (ok.Span[0] != 0x00 || ok.Length < 12)
        {
            throw MySqlException.Protocol($"COM_STMT_PREPARE was answered with a {ok.Length}-byte packet starting 0x{ok.Span[0]:X2}, not STMT_PREPARE_OK");
        }

        var r = new PayloadReader(ok.Span, "STMT_PREPARE_OK");
        r.Skip(1);
        var id = r.ReadUInt32();
        var columnCount = r.ReadUInt16();
        var parameterCount = r.ReadUInt16();
        var deprecateEof = (Capabilities & CapabilityFlags.DeprecateEof) != 0;
        for (var i = 0; i < parameterCount; i++)
        {
            await ReadReplyAsync().ConfigureAwait(false);
        }

        if (parameterCount > 0 && !deprecateEof)
        {
            await ReadReplyAsync().ConfigureAwait(false);
        }

        var columns = new MySqlColumn[columnCount];
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = MySqlColumn.Parse((await ReadReplyAsync().ConfigureAwait(false)).Span);
        }

        if (columnCount > 0 && !deprecateEof)
        {
            await ReadReplyAsync().ConfigureAwait(false);
        }

        return new MySqlPreparedStatement(this, id, sql, columns, parameterCount);
    }

    /// <summary>COM_STMT_EXECUTE without parameters and without a cursor: the rows stream as a query's do.</summary>
    internal async Task<MySqlResultReader> ExecutePreparedAsync(MySqlPreparedStatement statement, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var w = StartCommand(ComStmtExecute);
        w.WriteUInt32(statement.Id);
        w.WriteByte(0); // CURSOR_TYPE_NO_CURSOR
        w.WriteUInt32(1); // iteration count, always 1
        await SendCommandAsync(w, cancellationToken).ConfigureAwait(false);
        var reader = new MySqlResultReader(this, cancellationToken, binaryRows: true);
        activeReader = reader;
        await reader.ReadFirstResultAsync().ConfigureAwait(false);
        return reader;
    }

    /// <summary>
    /// COM_STMT_CLOSE (no reply). Skipped when the connection is broken or closed (the server dropped the statement with
    /// it) or a reader is still open on it (the statement then lives until the connection closes).
    /// </summary>
    internal async ValueTask ClosePreparedAsync(MySqlPreparedStatement statement)
    {
        if (disposed || channel.IsBroken || activeReader is not null)
        {
            return;
        }

        var w = StartCommand(ComStmtClose);
        w.WriteUInt32(statement.Id);
        await SendCommandAsync(w, CancellationToken.None).ConfigureAwait(false);
    }

    private async ValueTask<ReadOnlyMemory<byte>> ReadReplyAsync()
    {
        var payload = await channel.ReadPayloadAsync(CancellationToken.None).ConfigureAwait(false);
        return payload.IsEmpty ? throw MySqlException.Protocol("empty packet in a COM_STMT_PREPARE reply") : payload;
    }

    /// <summary>Runs statements and returns the total affected rows (rows of any result sets are skipped).</summary>
    public async Task<long> ExecuteAsync(string sql, CancellationToken cancellationToken = default)
    {
        var reader = await QueryAsync(sql, cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            long affected = 0;
            do
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                }

                affected += (long)reader.AffectedRows;
            }
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));

            return affected;
        }
    }

    /// <summary>Reads the first result set of <paramref name="sql"/> fully, as strings (NULL → null). For small results only.</summary>
    public async Task<IReadOnlyList<string?[]>> QueryTextRowsAsync(string sql, CancellationToken cancellationToken = default)
    {
        var reader = await QueryAsync(sql, cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var rows = new List<string?[]>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var row = new string?[reader.FieldCount];
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = reader.IsDBNull(i) ? null : reader.GetString(i);
                }

                rows.Add(row);
            }

            return rows;
        }
    }

    /// <summary>The first column of the first row as a string, or null (no rows or NULL).</summary>
    public async Task<string?> QueryScalarAsync(string sql, CancellationToken cancellationToken = default)
    {
        var rows = await QueryTextRowsAsync(sql, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0][0];
    }

    /// <summary>COM_PING: checks that the server still answers.</summary>
    public async Task PingAsync(CancellationToken cancellationToken = default)
    {
        await SendCommandAsync(StartCommand(ComPing), cancellationToken).ConfigureAwait(false);
        var payload = await channel.ReadPayloadAsync(cancellationToken).ConfigureAwait(false);
        if (payload.IsEmpty || payload.Span[0] == ErrorPacket.Header)
        {
            throw payload.IsEmpty ? MySqlException.Protocol("empty reply to COM_PING") : ErrorPacket.ToException(payload.Span, $"Ping of {Options.Name}");
        }
    }

    /// <summary>Stops the statement running on this connection by sending KILL QUERY from a new, short-lived connection.</summary>
    public async Task KillRunningQueryAsync(CancellationToken cancellationToken = default)
    {
        var sideOptions = Options with { Database = null, SessionTimeZone = null, Name = Options.Name + "-kill", ReadTimeout = Options.ConnectTimeout };
        var side = await OpenAsync(sideOptions, logger, cancellationToken).ConfigureAwait(false);
        await using (side.ConfigureAwait(false))
        {
            await side.ExecuteAsync($"KILL QUERY {ConnectionId}", cancellationToken).ConfigureAwait(false);
        }
    }

    internal void ReaderFinished(MySqlResultReader reader)
    {
        if (ReferenceEquals(activeReader, reader))
        {
            activeReader = null;
        }
    }

    private void EnsureIdle()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (channel.IsBroken)
        {
            throw new MySqlException(MySqlErrorKind.ConnectionClosed, $"The connection to {Options.Name} at {Options.Endpoint} broke earlier; open a new one.")
            {
                ConnectionBroken = true,
            };
        }

        if (activeReader is not null)
        {
            throw new InvalidOperationException($"A result reader is still open on connection {ConnectionId} to {Options.Name}; read it to the end or dispose it first.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        if (!channel.IsBroken && activeReader is null)
        {
            try
            {
                writer.Reset();
                writer.WriteByte(ComQuit);
                channel.Sequence = 0;
                using var quitTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await channel.WritePayloadAsync(writer, quitTimeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is MySqlException or OperationCanceledException)
            {
                // Closing anyway; COM_QUIT only spares the server a "connection aborted" warning.
            }
        }

        disposed = true;
        await channel.DisposeAsync().ConfigureAwait(false);
    }
}
