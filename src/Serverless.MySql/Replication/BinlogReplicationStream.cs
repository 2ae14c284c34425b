using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.MySql.Binlog;
using Serverless.MySql.Binlog.Events;
using Serverless.MySql.Client;
using Serverless.MySql.Protocol;

namespace Serverless.MySql.Replication;

/// <summary>
/// Streams a source's binlog as a replica and yields typed changes. A dropped connection is reopened with exponential
/// backoff and the stream resumes from the last delivered change without gap or duplicate. Row changes reuse one
/// instance: consume (or <see cref="RowChange.Detach"/>) each before asking for the next.
/// </summary>
public sealed class BinlogReplicationStream(BinlogReplicationOptions options, ILogger? logger = null) : IAsyncDisposable
{
    private const int ErrorBinlogUnavailable = 1236;
    private const ushort NonBlocking = 1;

    private readonly ILogger log = logger ?? NullLogger.Instance;
    private MySqlConnection? connection;

    /// <summary>Server connection id of the current replica connection (what SHOW PROCESSLIST lists as Binlog Dump).</summary>
    public uint? ConnectionId => connection?.ConnectionId;

    /// <summary>How many times the stream reconnected after a failure.</summary>
    public int ReconnectCount { get; private set; }

    public DateTimeOffset? LastHeartbeat { get; private set; }

    /// <summary>@@server_id of the source the stream reads; a reconnect that finds another server stops the stream.</summary>
    public long? SourceServerId { get; private set; }

    /// <summary>The current binlog file and offset read (updated for every event, including filtered ones).</summary>
    public BinlogPosition ReadPosition { get; private set; }

    public async IAsyncEnumerable<ReplicationEvent> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var resume = options.ResumeFrom ?? (options.StartPosition is { } start ? ReplicationResumePoint.At(start) : default);
        var gtidMode = options.ResumeFrom is null && (options.StartMariaDbGtid is not null || options.StartMySqlGtidSet is not null);
        if (gtidMode && options.StartMariaDbGtid is { Count: > 0 } startGtid)
        {
            // The dump starts after this state, so it is the state before the first transaction; the server's GTID list
            // events describe file starts and can be older for domains that did not move since.
            resume = resume with { GtidStateBefore = startGtid.ToString() };
        }

        var assembler = new ChangeEventAssembler(resume, options.TableFilter);
        var decoder = new BinlogEventDecoder();
        var attempts = 0;
        await StartDumpAsync(resume, gtidMode, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            BinlogEvent? binlogEvent;
            try
            {
                binlogEvent = await ReadEventAsync(decoder, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransient(e, cancellationToken) && attempts < options.MaxReconnectAttempts)
            {
                attempts++;
                var delay = TimeSpan.FromTicks(Math.Min(options.MaxReconnectDelay.Ticks, options.InitialReconnectDelay.Ticks << Math.Min(attempts - 1, 20)));
                resume = assembler.RestartPoint;
                log.LogWarning(e, "Binlog stream lost ({Reason}); reconnecting in {Delay} (attempt {Attempt} of {Max}) from {ResumePoint}",
                    e.Message, delay, attempts, options.MaxReconnectAttempts, resume);
                await CloseAsync().ConfigureAwait(false);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                assembler = new ChangeEventAssembler(resume, options.TableFilter);
                decoder = new BinlogEventDecoder();
                ReconnectCount++;
                try
                {
                    await StartDumpAsync(resume, gtidMode && resume.TransactionStart.IsEmpty, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception again) when (IsTransient(again, cancellationToken))
                {
                    log.LogWarning(again, "Reconnecting the binlog stream failed: {Reason}", again.Message);
                    await CloseAsync().ConfigureAwait(false);
                }

                continue;
            }

            if (binlogEvent is null)
            {
                yield break;
            }

            ReadPosition = binlogEvent.Header.NextPosition > 0 ? new BinlogPosition(decoder.CurrentFileName, binlogEvent.Header.NextPosition) : ReadPosition;
            if (binlogEvent is HeartbeatEvent)
            {
                LastHeartbeat = DateTimeOffset.UtcNow;
            }

            attempts = 0;
            foreach (var change in assembler.Apply(binlogEvent, decoder.CurrentFileName))
            {
                yield return change;
            }
        }
    }

    private async Task<BinlogEvent?> ReadEventAsync(BinlogEventDecoder decoder, CancellationToken cancellationToken)
    {
        var conn = connection ?? throw new IOException("The replica connection is not open.");
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(options.IdleTimeout);
        ReadOnlyMemory<byte> payload;
        try
        {
            payload = await conn.ReadPacketAsync(idle.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No binlog event or heartbeat for {options.IdleTimeout}; the connection to {options.Connection.Endpoint} is presumed dead.");
        }

        var span = payload.Span;
        if (span.IsEmpty)
        {
            throw new BinlogFormatException("The source sent an empty packet in the binlog stream.");
        }

        switch (span[0])
        {
            case 0x00:
                return decoder.Decode(payload[1..]);
            case 0xFE when span.Length < 9:
                // A non-blocking dump ends with EOF at the end of the binlog. A blocking dump never ends on its
                // own: EOF there means the server is shutting down, so it is a lost connection to reconnect.
                return options.StopAtEnd
                    ? null
                    : throw new IOException($"The source {options.Connection.Endpoint} ended the binlog dump (EOF packet); it is probably shutting down.");
            case ErrorPacket.Header:
                var error = ErrorPacket.ToException(span, "binlog dump");
                if (error.ErrorNumber == ErrorBinlogUnavailable)
                {
                    throw new BinlogPurgedException(ReadPosition.IsEmpty ? "the requested position" : ReadPosition.ToString(), error.ServerMessage, error);
                }

                throw error;
            default:
                throw new BinlogFormatException($"Binlog stream packet starts with 0x{span[0]:x2}; expected 0x00 (event), 0xFE (end) or 0xFF (error).");
        }
    }

    private async Task StartDumpAsync(ReplicationResumePoint resume, bool gtidMode, CancellationToken cancellationToken)
    {
        var conn = await MySqlConnection.OpenAsync(options.Connection, log, cancellationToken).ConfigureAwait(false);
        connection = conn;
        var isMariaDb = conn.ServerVersion.Flavor == MySqlServerFlavor.MariaDb;
        var serverId = long.Parse(await conn.QueryScalarAsync("SELECT @@server_id", cancellationToken).ConfigureAwait(false) ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        if (SourceServerId is { } previous && previous != serverId)
        {
            throw new ReplicationSourceChangedException(options.Connection.Endpoint, previous, serverId);
        }

        SourceServerId = serverId;
        await conn.ExecuteAsync("SET @master_binlog_checksum = @@global.binlog_checksum", cancellationToken).ConfigureAwait(false);
        await conn.ExecuteAsync(FormattableString.Invariant($"SET @master_heartbeat_period = {(long)options.HeartbeatPeriod.TotalMilliseconds * 1_000_000L}"), cancellationToken).ConfigureAwait(false);
        if (isMariaDb)
        {
            // Capability 4 (GTID): the source sends GTID events and annotations instead of rewriting them for old replicas.
            await conn.ExecuteAsync("SET @mariadb_slave_capability = 4", cancellationToken).ConfigureAwait(false);
        }

        var mariaDbGtid = gtidMode ? options.StartMariaDbGtid : null;
        if (mariaDbGtid is not null)
        {
            if (!isMariaDb)
            {
                throw new InvalidOperationException("StartMariaDbGtid needs a MariaDB source; for MySQL use StartMySqlGtidSet or StartPosition.");
            }

            await conn.ExecuteAsync($"SET @slave_connect_state = '{mariaDbGtid}'", cancellationToken).ConfigureAwait(false);
            await conn.ExecuteAsync("SET @slave_gtid_strict_mode = 1", cancellationToken).ConfigureAwait(false);
            await conn.ExecuteAsync("SET @slave_gtid_ignore_duplicates = 0", cancellationToken).ConfigureAwait(false);
        }

        await conn.SendCommandAsync(BinlogDumpCommands.RegisterReplica(options.ServerId), cancellationToken).ConfigureAwait(false);
        var reply = await conn.ReadPacketAsync(cancellationToken).ConfigureAwait(false);
        if (reply.Span[0] == ErrorPacket.Header)
        {
            throw ErrorPacket.ToException(reply.Span, "COM_REGISTER_SLAVE");
        }

        var flags = options.StopAtEnd ? NonBlocking : (ushort)0;
        byte[] dump;
        string requested;
        if (gtidMode && options.StartMySqlGtidSet is { } executed)
        {
            dump = BinlogDumpCommands.DumpGtid(options.ServerId, executed, flags: flags);
            requested = $"GTID set {executed}";
        }
        else if (mariaDbGtid is not null)
        {
            dump = BinlogDumpCommands.Dump(options.ServerId, string.Empty, BinlogPosition.FirstEventOffset, flags);
            requested = $"GTID position '{mariaDbGtid}'";
        }
        else
        {
            if (resume.TransactionStart.IsEmpty)
            {
                throw new InvalidOperationException("Set StartPosition, StartMariaDbGtid, StartMySqlGtidSet or ResumeFrom to say where the stream starts.");
            }

            dump = BinlogDumpCommands.Dump(options.ServerId, resume.TransactionStart.FileName, resume.TransactionStart.EventOffset, flags);
            requested = resume.TransactionStart.ToString();
        }

        log.LogInformation("Binlog dump from {Requested} as replica {ServerId} on connection {ConnectionId}", requested, options.ServerId, conn.ConnectionId);
        ReadPosition = resume.TransactionStart;
        await conn.SendCommandAsync(dump, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsTransient(Exception e, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && e switch
        {
            BinlogPurgedException or BinlogFormatException => false,
            MySqlException m => m.ConnectionBroken || m.Kind is MySqlErrorKind.ConnectionRefused or MySqlErrorKind.Timeout ||
                                m.ErrorNumber is 1927 or 1053 or 2013 or 2006 || m.ErrorNumber == 0,
            IOException or TimeoutException or System.Net.Sockets.SocketException or ObjectDisposedException => true,
            _ => false,
        };

    private async Task CloseAsync()
    {
        var conn = connection;
        connection = null;
        if (conn is not null)
        {
            try
            {
                await conn.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or MySqlException or ObjectDisposedException)
            {
                log.LogDebug(e, "Closing a broken replica connection failed");
            }
        }
    }

    public ValueTask DisposeAsync() => new(CloseAsync());
}
