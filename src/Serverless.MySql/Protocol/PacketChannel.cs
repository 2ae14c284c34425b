using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Serverless.MySql.Client;

namespace Serverless.MySql.Protocol;

/// <summary>
/// Frames MySQL packets (3-byte little-endian payload length, 1-byte sequence id) over a stream.
/// Reads go through one read-ahead buffer: a payload that fits is handed out as a slice of that buffer
/// (no copy, valid until the next read); payloads of 16 MiB - 1 bytes or more arrive split over several
/// packets and are reassembled into a second reusable buffer, bounded by <see cref="MaxPayloadSize"/>.
/// Connections run it over a <see cref="SocketReceiveStream"/> (or TLS on top of one), whose reads complete
/// synchronously while data is buffered in the kernel and otherwise continue on the connection's wait thread, so the
/// await chain here adds no scheduling of its own.
/// </summary>
internal sealed class PacketChannel : IAsyncDisposable
{
    /// <summary>A packet of this payload length is followed by a continuation packet.</summary>
    public const int MaxPacketPayload = 0xFFFFFF;

    private readonly string endpoint;
    private readonly byte[] headerScratch = new byte[4];
    private Stream stream;
    private readonly byte[] readBuffer;
    private int readStart;
    private int readEnd;
    private byte[] largeBuffer = [];
    private CancellationTokenSource? readTimeoutSource;

    public PacketChannel(Stream stream, string endpoint, int readBufferSize = 128 * 1024)
    {
        this.stream = stream;
        this.endpoint = endpoint;
        readBuffer = new byte[Math.Max(readBufferSize, 64)];
    }

    /// <summary>Sequence id expected on the next packet read and used on the next packet written.</summary>
    public byte Sequence { get; set; }

    /// <summary>Longest wait for bytes from the server; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</summary>
    public TimeSpan ReadTimeout { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>Largest reassembled payload accepted (guards memory against a corrupt length).</summary>
    public long MaxPayloadSize { get; set; } = 1L << 30;

    /// <summary>Set once a read or write failed half-way; the conversation state is unknown from then on.</summary>
    public bool IsBroken { get; private set; }

    /// <summary>Bytes received but not yet handed out; must be empty before switching to TLS.</summary>
    public int BufferedByteCount => readEnd - readStart;

    public Stream Stream => stream;

    /// <summary>Bytes received from the transport so far (after TLS decryption).</summary>
    public long BytesReceived { get; private set; }

    /// <summary>Swaps the transport (plain TCP to TLS) keeping the sequence id.</summary>
    public void ReplaceStream(Stream newStream)
    {
        if (BufferedByteCount != 0)
        {
            throw MySqlException.Protocol("the server sent data before the TLS handshake began");
        }

        stream = newStream;
    }

    /// <summary>Returns the next payload when it is already complete in the read buffer (no I/O, no await).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryReadBuffered(out ReadOnlyMemory<byte> payload)
    {
        var available = readEnd - readStart;
        if (available >= 4)
        {
            var span = readBuffer.AsSpan(readStart);
            var length = span[0] | (span[1] << 8) | (span[2] << 16);
            if (length < MaxPacketPayload && available >= 4 + length)
            {
                CheckSequence(span[3]);
                payload = readBuffer.AsMemory(readStart + 4, length);
                readStart += 4 + length;
                return true;
            }
        }

        payload = default;
        return false;
    }

    /// <summary>Reads the next logical payload (continuation packets joined). Valid until the next read.</summary>
    public ValueTask<ReadOnlyMemory<byte>> ReadPayloadAsync(CancellationToken cancellationToken)
    {
        if (TryReadBuffered(out var payload))
        {
            return new ValueTask<ReadOnlyMemory<byte>>(payload);
        }

        return ReadPayloadSlowAsync(cancellationToken);
    }

    // Pooled: this runs once per network read on the streaming path; pooling keeps it allocation-free.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadOnlyMemory<byte>> ReadPayloadSlowAsync(CancellationToken cancellationToken)
    {
        await EnsureBufferedAsync(4, cancellationToken).ConfigureAwait(false);
        var length = ReadHeader(out var sequence);
        if (length < MaxPacketPayload && 4 + length <= readBuffer.Length)
        {
            await EnsureBufferedAsync(4 + length, cancellationToken).ConfigureAwait(false);
            CheckSequence(sequence);
            var payload = readBuffer.AsMemory(readStart + 4, length);
            readStart += 4 + length;
            return payload;
        }

        // Large payload: copy packet after packet into the reassembly buffer, reading the stream straight into it.
        long total = 0;
        while (true)
        {
            CheckSequence(sequence);
            readStart += 4;
            if (total + length > MaxPayloadSize)
            {
                IsBroken = true;
                throw new MySqlException(
                    MySqlErrorKind.Protocol,
                    $"The server sent a payload larger than {MaxPayloadSize} bytes (MaxPayloadSize). Raise MySqlConnectionOptions.MaxPayloadSize if rows this large are expected.")
                {
                    ConnectionBroken = true,
                };
            }

            EnsureLargeCapacity((int)(total + length));
            var fromBuffer = Math.Min(length, readEnd - readStart);
            readBuffer.AsSpan(readStart, fromBuffer).CopyTo(largeBuffer.AsSpan((int)total));
            readStart += fromBuffer;
            var copied = fromBuffer;
            while (copied < length)
            {
                var n = await ReadSomeAsync(largeBuffer.AsMemory((int)total + copied, length - copied), cancellationToken).ConfigureAwait(false);
                copied += n;
            }

            total += length;
            if (length < MaxPacketPayload)
            {
                return largeBuffer.AsMemory(0, (int)total);
            }

            await EnsureBufferedAsync(4, cancellationToken).ConfigureAwait(false);
            length = ReadHeader(out sequence);
        }
    }

    private int ReadHeader(out byte sequence)
    {
        var span = readBuffer.AsSpan(readStart, 4);
        sequence = span[3];
        return span[0] | (span[1] << 8) | (span[2] << 16);
    }

    private void CheckSequence(byte sequence)
    {
        if (sequence != Sequence)
        {
            IsBroken = true;
            throw MySqlException.Protocol($"packet sequence id {sequence} arrived where {Sequence} was expected (packets out of order)");
        }

        Sequence = (byte)(sequence + 1);
    }

    private void EnsureLargeCapacity(int needed)
    {
        if (largeBuffer.Length >= needed)
        {
            return;
        }

        var size = (int)Math.Min(Math.Max((long)largeBuffer.Length * 2, needed), Array.MaxLength);
        var bigger = new byte[Math.Max(size, needed)];
        largeBuffer.AsSpan().CopyTo(bigger);
        largeBuffer = bigger;
    }

    // Pooled: this runs once per network read on the streaming path; pooling keeps it allocation-free.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask EnsureBufferedAsync(int count, CancellationToken cancellationToken)
    {
        if (readEnd - readStart >= count)
        {
            return;
        }

        if (readStart + count > readBuffer.Length)
        {
            var pending = readEnd - readStart;
            readBuffer.AsSpan(readStart, pending).CopyTo(readBuffer);
            readStart = 0;
            readEnd = pending;
        }

        while (readEnd - readStart < count)
        {
            readEnd += await ReadSomeAsync(readBuffer.AsMemory(readEnd), cancellationToken).ConfigureAwait(false);
        }
    }

    // Pooled: this runs once per network read on the streaming path; pooling keeps it allocation-free.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadSomeAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        int n;
        try
        {
            if (ReadTimeout == Timeout.InfiniteTimeSpan)
            {
                n = await stream.ReadAsync(destination, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                if (readTimeoutSource is null || !readTimeoutSource.TryReset())
                {
                    readTimeoutSource?.Dispose();
                    readTimeoutSource = new CancellationTokenSource();
                }

                readTimeoutSource.CancelAfter(ReadTimeout);
                using var link = cancellationToken.CanBeCanceled
                    ? cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), readTimeoutSource)
                    : default;
                n = await stream.ReadAsync(destination, readTimeoutSource.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            IsBroken = true;
            throw;
        }
        catch (OperationCanceledException e)
        {
            IsBroken = true;
            throw new MySqlException(
                MySqlErrorKind.Timeout,
                $"MySQL server {endpoint} sent nothing for {ReadTimeout.TotalSeconds:0.###} s (read timeout). Raise MySqlConnectionOptions.ReadTimeout for long statements, or check the server and network.",
                e)
            {
                ConnectionBroken = true,
            };
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            IsBroken = true;
            throw new MySqlException(MySqlErrorKind.ConnectionClosed, $"The connection to MySQL server {endpoint} broke while reading: {e.Message}", e)
            {
                ConnectionBroken = true,
            };
        }

        BytesReceived += n;
        if (n == 0)
        {
            IsBroken = true;
            throw new MySqlException(
                MySqlErrorKind.ConnectionClosed,
                $"MySQL server {endpoint} closed the connection (the server may have restarted, killed this session, or hit wait_timeout/max_allowed_packet).")
            {
                ConnectionBroken = true,
            };
        }

        return n;
    }

    /// <summary>Sends the payload built in <paramref name="writer"/> as one or more packets with consecutive sequence ids.</summary>
    public async ValueTask WritePayloadAsync(PayloadWriter writer, CancellationToken cancellationToken)
    {
        var raw = writer.RawBuffer;
        var length = writer.PayloadLength;
        try
        {
            if (length < MaxPacketPayload)
            {
                WriteHeader(raw, length);
                await stream.WriteAsync(raw.AsMemory(0, PayloadWriter.HeaderSize + length), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await WriteSplitAsync(raw.AsMemory(PayloadWriter.HeaderSize, length), cancellationToken).ConfigureAwait(false);
            }

            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            IsBroken = true;
            throw new MySqlException(MySqlErrorKind.ConnectionClosed, $"The connection to MySQL server {endpoint} broke while sending: {e.Message}", e)
            {
                ConnectionBroken = true,
            };
        }
        catch (OperationCanceledException)
        {
            IsBroken = true;
            throw;
        }
    }

    private async ValueTask WriteSplitAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        // A payload that is an exact multiple of the maximum ends with an empty packet, so the reader knows it is complete.
        var offset = 0;
        while (true)
        {
            var chunk = Math.Min(MaxPacketPayload, payload.Length - offset);
            WriteHeader(headerScratch, chunk);
            await stream.WriteAsync(headerScratch, cancellationToken).ConfigureAwait(false);
            await stream.WriteAsync(payload.Slice(offset, chunk), cancellationToken).ConfigureAwait(false);
            offset += chunk;
            if (chunk < MaxPacketPayload)
            {
                return;
            }
        }
    }

    private void WriteHeader(byte[] destination, int length)
    {
        destination[0] = (byte)length;
        destination[1] = (byte)(length >> 8);
        destination[2] = (byte)(length >> 16);
        destination[3] = Sequence++;
    }

    /// <summary>Parses a 4-byte packet header: payload length and sequence id.</summary>
    public static (int Length, byte Sequence) ParseHeader(ReadOnlySpan<byte> header) =>
        ((int)(BinaryPrimitives.ReadUInt32LittleEndian(header) & 0xFFFFFF), header[3]);

    public async ValueTask DisposeAsync()
    {
        readTimeoutSource?.Dispose();
        await stream.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Breaks the transport so a blocked read returns at once (used when cancellation cannot be delivered in-band).</summary>
    public void Abort()
    {
        IsBroken = true;
        stream.Dispose();
    }
}
