using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Serverless.MySql.Client;
using Serverless.MySql.Protocol;
using Xunit;

namespace Serverless.MySql.Tests;

/// <summary>
/// The packet channel over its real transport, <see cref="SocketReceiveStream"/>, against a loopback peer that sends
/// packets built per the documented framing (3-byte length, sequence id): reads that wait are handed to the
/// connection's wait thread and continue there; timeouts, cancellation, aborts and a closing peer end a waiting read
/// with the documented errors; writes larger than the kernel's buffers arrive intact.
/// </summary>
public sealed class PacketChannelSocketTransportTests
{
    private const string WaitThreadPrefix = "MySQL receive";

    [Fact]
    public async Task PacketsSentInPiecesAreReassembledAndTheReaderContinuesOnTheWaitThread()
    {
        await using var peer = await LoopbackPeer.StartAsync();
        await using var channel = new PacketChannel(peer.Client, "test", readBufferSize: 64);
        var bytes = PacketBytes.Packets((0, PacketBytes.Pattern(20)), (1, PacketBytes.Pattern(300)), (2, [0x03]));

        // Outside xunit's synchronization context, so that continuations run where the transport completes them.
        var (first, second, third, threadName, secondWasSynchronous) = await Task.Run(async () =>
        {
            // The first payload needs four pieces, so the read surely waits and is completed by the wait thread.
            var reading = channel.ReadPayloadAsync(default);
            var sending = peer.SendInPiecesAsync(bytes, piece: 7, pause: TimeSpan.FromMilliseconds(50));
            var a = (await reading.ConfigureAwait(false)).ToArray();
            var name = Thread.CurrentThread.Name;

            // On the wait thread a read that has to wait blocks inline: the task is complete when it is returned.
            var pending = channel.ReadPayloadAsync(default);
            var synchronous = pending.IsCompleted;
            var b = (await pending.ConfigureAwait(false)).ToArray();
            var c = (await channel.ReadPayloadAsync(default).ConfigureAwait(false)).ToArray();
            await sending.ConfigureAwait(false);
            return (a, b, c, name, synchronous);
        });

        Assert.Equal(PacketBytes.Pattern(20), first);
        Assert.Equal(PacketBytes.Pattern(300), second);
        Assert.Equal(new byte[] { 0x03 }, third);
        Assert.StartsWith(WaitThreadPrefix, threadName);
        Assert.True(secondWasSynchronous);
        Assert.Equal(3, channel.Sequence);
    }

    [Fact]
    public async Task PacketsAlreadyInTheKernelAreReadWithoutWaiting()
    {
        await using var peer = await LoopbackPeer.StartAsync();
        var transport = peer.Client;
        await using var channel = new PacketChannel(transport, "test");
        await peer.SendInPiecesAsync(PacketBytes.Packets((0, [1, 2, 3]), (1, [4])), piece: 1 << 20, pause: TimeSpan.Zero);
        await WaitForAsync(() => transport.KernelBufferedByteCount >= 4 + 3 + 4 + 1);

        var first = channel.ReadPayloadAsync(default);
        Assert.True(first.IsCompleted);
        Assert.Equal(new byte[] { 1, 2, 3 }, (await first).ToArray());
        Assert.True(channel.TryReadBuffered(out var second));
        Assert.Equal(new byte[] { 4 }, second.ToArray());
    }

    [Fact]
    public async Task SilentServerTripsTheReadTimeoutAndBreaksTheChannel()
    {
        await using var peer = await LoopbackPeer.StartAsync();
        await using var channel = new PacketChannel(peer.Client, "db.example:3306") { ReadTimeout = TimeSpan.FromMilliseconds(300) };
        var watch = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<MySqlException>(async () => await channel.ReadPayloadAsync(default));
        Assert.Equal(MySqlErrorKind.Timeout, e.Kind);
        Assert.Contains("sent nothing for 0.3 s", e.Message);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(250), $"timed out after {watch.Elapsed}");
        Assert.True(channel.IsBroken);
    }

    [Fact]
    public async Task CancellingAWaitingReadThrowsOperationCanceledAndBreaksTheChannel()
    {
        await using var peer = await LoopbackPeer.StartAsync();
        await using var channel = new PacketChannel(peer.Client, "test");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await channel.ReadPayloadAsync(cts.Token));
        Assert.True(channel.IsBroken);
    }

    [Fact]
    public async Task AbortEndsAReadWaitingOnTheWaitThreadWithAConnectionClosedError()
    {
        await using var peer = await LoopbackPeer.StartAsync();
        var transport = peer.Client;
        await using var channel = new PacketChannel(transport, "db.example:3306");
        var read = channel.ReadPayloadAsync(default).AsTask();
        await WaitForAsync(() => transport.HasWaitThread);
        Assert.False(read.IsCompleted);

        channel.Abort();
        var e = await Assert.ThrowsAsync<MySqlException>(() => read.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(MySqlErrorKind.ConnectionClosed, e.Kind);
        Assert.True(e.ConnectionBroken);
        Assert.Contains("db.example:3306", e.Message);

        // The thread ends with the transport.
        await WaitForAsync(() => !transport.HasWaitThread);
    }

    [Fact]
    public async Task PeerClosingInsideAPacketMeansTheServerClosedTheConnection()
    {
        await using var peer = await LoopbackPeer.StartAsync();
        await using var channel = new PacketChannel(peer.Client, "db.example:3306");
        var read = channel.ReadPayloadAsync(default).AsTask();
        await peer.SendInPiecesAsync(PacketBytes.Packets((0, [1, 2, 3, 4, 5]))[..6], piece: 6, pause: TimeSpan.Zero);
        peer.CloseServerSide();
        var e = await Assert.ThrowsAsync<MySqlException>(() => read.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(MySqlErrorKind.ConnectionClosed, e.Kind);
        Assert.Contains("db.example:3306 closed the connection", e.Message);
    }

    [Fact]
    public async Task PayloadLargerThanTheKernelBuffersIsSentIntactToASlowReader()
    {
        await using var peer = await LoopbackPeer.StartAsync();
        await using var channel = new PacketChannel(peer.Client, "test");
        var payload = PacketBytes.Pattern(12 << 20);
        var writer = new PayloadWriter(payload.Length + 8);
        writer.WriteBytes(payload);

        // Both ends off xunit's synchronization context: the send blocks its thread while the kernel buffers are full.
        var received = Task.Run(() => peer.ReceiveExactlyAsync(4 + payload.Length, slowStart: TimeSpan.FromMilliseconds(300)));
        await Task.Run(async () => await channel.WritePayloadAsync(writer, default));
        var bytes = await received.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal((payload.Length, (byte)0), PacketChannel.ParseHeader(bytes));
        Assert.True(bytes.AsSpan(4).SequenceEqual(payload));
    }

    [Fact]
    public async Task ConnectingToAPortWhereNothingListensIsConnectionRefused()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var e = await Assert.ThrowsAsync<SocketException>(() => SocketReceiveStream.ConnectAsync("127.0.0.1", port, default));
        Assert.Equal(SocketError.ConnectionRefused, e.SocketErrorCode);
    }

    [Fact]
    public async Task HostNamesAreResolvedBeforeConnecting()
    {
        await using var peer = await LoopbackPeer.StartAsync("localhost");
        await using var channel = new PacketChannel(peer.Client, "test");
        await peer.SendInPiecesAsync(PacketBytes.Packets((0, [42])), piece: 16, pause: TimeSpan.Zero);
        Assert.Equal(new byte[] { 42 }, (await channel.ReadPayloadAsync(default)).ToArray());
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "the condition did not come true within 10 s");
            await Task.Delay(10);
        }
    }

    /// <summary>A loopback listener with one accepted connection: <see cref="Client"/> is our transport, the server side is a plain socket.</summary>
    private sealed class LoopbackPeer : IAsyncDisposable
    {
        private readonly TcpListener listener;
        private readonly Socket server;

        private LoopbackPeer(TcpListener listener, Socket server, SocketReceiveStream client)
        {
            this.listener = listener;
            this.server = server;
            Client = client;
        }

        public SocketReceiveStream Client { get; }

        public static async Task<LoopbackPeer> StartAsync(string host = "127.0.0.1")
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var accepting = listener.AcceptSocketAsync();
            var client = await SocketReceiveStream.ConnectAsync(host, port, default);
            return new LoopbackPeer(listener, await accepting, client);
        }

        public async Task SendInPiecesAsync(byte[] bytes, int piece, TimeSpan pause)
        {
            for (var offset = 0; offset < bytes.Length; offset += piece)
            {
                if (offset > 0 && pause > TimeSpan.Zero)
                {
                    await Task.Delay(pause);
                }

                await server.SendAsync(bytes.AsMemory(offset, Math.Min(piece, bytes.Length - offset)));
            }
        }

        public async Task<byte[]> ReceiveExactlyAsync(int count, TimeSpan slowStart)
        {
            await Task.Delay(slowStart);
            var bytes = new byte[count];
            var read = 0;
            while (read < count)
            {
                var n = await server.ReceiveAsync(bytes.AsMemory(read, Math.Min(64 * 1024, count - read)));
                Assert.True(n > 0, $"the client closed after {read} of {count} bytes");
                read += n;
            }

            return bytes;
        }

        public void CloseServerSide() => server.Shutdown(SocketShutdown.Send);

        public async ValueTask DisposeAsync()
        {
            server.Dispose();
            listener.Stop();
            listener.Dispose();
            await Client.DisposeAsync();
        }
    }
}
