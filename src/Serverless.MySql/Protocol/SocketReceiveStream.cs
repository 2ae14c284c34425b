using System.Net;
using System.Net.Sockets;

namespace Serverless.MySql.Protocol;

/// <summary>
/// The transport of a connection over a TCP socket (TLS, when used, runs on top of it). Reads are built for streaming
/// large results and binlog dumps on a busy machine:
/// <list type="bullet">
/// <item>a read first tries a non-blocking receive on the caller's thread, which finds data whenever the server is ahead
/// of the reader (the usual case while streaming);</item>
/// <item>a read that finds nothing is handed to the connection's <see cref="SocketWaitThread"/>, which waits in the
/// kernel (poll, then recv) and runs the reader's continuation itself; from then on the reader runs on that thread and
/// its later reads block there inline: one kernel wake-up per receive and no thread-pool work at all.</item>
/// </list>
/// The runtime's async socket operations would register the socket with its epoll engine, after which every arrival of
/// data wakes the epoll thread and queues thread-pool work, even with no async read pending: two scheduling delays per
/// receive that, on a loaded machine, cost more wall time than decoding the rows. So this class never uses them: it
/// connects without blocking and waits for the connect on the wait thread, and it sends without blocking, waiting in
/// poll on the caller's thread in the rare case that the kernel's send buffer is full (a statement larger than it
/// while the server is slow to read).
/// <para>
/// Cancellation is observed at least every <see cref="CancellationCheckInterval"/> while waiting; disposing wakes a
/// waiting read at once (it then fails with <see cref="ObjectDisposedException"/>).
/// </para>
/// </summary>
internal sealed class SocketReceiveStream : Stream
{
    /// <summary>Longest wait in the kernel between two looks at the cancellation token.</summary>
    public static readonly TimeSpan CancellationCheckInterval = TimeSpan.FromMilliseconds(100);

    // Without a token to watch, a wait still wakes now and then to notice a disposal that did not wake it.
    private static readonly TimeSpan DisposalCheckInterval = TimeSpan.FromSeconds(1);

    private readonly Socket socket;
    private readonly SocketWaitThread waitThread;
    private readonly Func<Memory<byte>, CancellationToken, int> receiveOperation;
    private volatile bool disposed;

    private SocketReceiveStream(Socket socket, string endpoint)
    {
        this.socket = socket;

        // Non-blocking at the API: a receive with nothing to read returns WouldBlock at once, and waiting is done here
        // with poll, instead of the runtime parking the thread on its epoll engine (the wake-up chain this class avoids).
        socket.Blocking = false;
        waitThread = new SocketWaitThread($"MySQL receive {endpoint}");
        receiveOperation = ReceiveBlocking;
    }

    /// <summary>Bytes the kernel holds for this socket that no read has taken yet.</summary>
    public int KernelBufferedByteCount => socket.Available;

    /// <summary>True while the connection's wait thread exists.</summary>
    public bool HasWaitThread => waitThread.IsRunning;

    /// <summary>
    /// Resolves <paramref name="host"/> and connects to the first of its addresses that accepts. Failures are the
    /// <see cref="SocketException"/> of the last address tried (HostNotFound when the name does not resolve); the token
    /// (e.g. a connect timeout) aborts with <see cref="OperationCanceledException"/>.
    /// </summary>
    public static async Task<SocketReceiveStream> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        SocketException? last = null;
        foreach (var address in addresses)
        {
            // The receive buffer stays the kernel's autotuned one: a fixed SO_RCVBUF (4 MiB tried) measured no better.
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            var stream = new SocketReceiveStream(socket, $"{host}:{port}");
            try
            {
                await stream.ConnectAsync(new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
                return stream;
            }
            catch (SocketException e)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
                last = e;
            }
            catch
            {
                await stream.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        throw last!;
    }

    private async ValueTask ConnectAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        try
        {
            socket.Connect(endpoint);
            return;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
            // The usual outcome of a non-blocking connect: it completes in the background.
        }

        await waitThread.RunAsync(CompleteConnect, default, cancellationToken).ConfigureAwait(false);
    }

    private int CompleteConnect(Memory<byte> unused, CancellationToken cancellationToken)
    {
        var interval = cancellationToken.CanBeCanceled ? CancellationCheckInterval : DisposalCheckInterval;
        while (!socket.Poll(interval, SelectMode.SelectWrite) && !socket.Poll(0, SelectMode.SelectError))
        {
            cancellationToken.ThrowIfCancellationRequested();
            ObjectDisposedException.ThrowIf(disposed, this);
        }

        var error = (SocketError)(int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
        return error == SocketError.Success ? 0 : throw new SocketException((int)error);
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        try
        {
            if (waitThread.IsCurrent)
            {
                return new ValueTask<int>(ReceiveBlocking(buffer, cancellationToken));
            }

            if (TryReceive(buffer.Span, out var received))
            {
                return new ValueTask<int>(received);
            }

            return waitThread.RunAsync(receiveOperation, buffer, cancellationToken);
        }
        catch (Exception e)
        {
            return ValueTask.FromException<int>(e);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (true)
        {
            if (TryReceive(buffer, out var received))
            {
                return received;
            }

            WaitUntilReadable(CancellationToken.None);
        }
    }

    private int ReceiveBlocking(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryReceive(buffer.Span, out var received))
            {
                return received;
            }

            WaitUntilReadable(cancellationToken);
        }
    }

    /// <summary>One non-blocking receive: false when no data is there yet; 0 bytes = the peer closed the connection.</summary>
    private bool TryReceive(Span<byte> buffer, out int received)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        received = socket.Receive(buffer, SocketFlags.None, out var error);
        return error switch
        {
            SocketError.Success => true,
            SocketError.WouldBlock => false,
            _ => throw new IOException($"Receiving from the server failed: {error}.", new SocketException((int)error)),
        };
    }

    private void WaitUntilReadable(CancellationToken cancellationToken)
    {
        var interval = cancellationToken.CanBeCanceled ? CancellationCheckInterval : DisposalCheckInterval;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ObjectDisposedException.ThrowIf(disposed, this);
            bool readable;
            try
            {
                // Readable also means closed or failed: the receive that follows reports which.
                readable = socket.Poll(interval, SelectMode.SelectRead);
            }
            catch (SocketException e)
            {
                throw new IOException($"Waiting for data from the server failed: {e.SocketErrorCode}.", e);
            }

            if (readable)
            {
                return;
            }
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            Send(buffer.Span, cancellationToken);
            return ValueTask.CompletedTask;
        }
        catch (Exception e)
        {
            return ValueTask.FromException(e);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer) => Send(buffer, CancellationToken.None);

    private void Send(ReadOnlySpan<byte> buffer, CancellationToken cancellationToken)
    {
        var interval = cancellationToken.CanBeCanceled ? CancellationCheckInterval : DisposalCheckInterval;
        while (!buffer.IsEmpty)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ObjectDisposedException.ThrowIf(disposed, this);
            var sent = socket.Send(buffer, SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                // The kernel's send buffer is full: wait until the server has read some of it.
                socket.Poll(interval, SelectMode.SelectWrite);
                continue;
            }

            if (error != SocketError.Success)
            {
                throw new IOException($"Sending to the server failed: {error}.", new SocketException((int)error));
            }

            buffer = buffer[sent..];
        }
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !disposed)
        {
            disposed = true;
            waitThread.Stop();
            try
            {
                // Wakes a read waiting in poll at once (the descriptor turns readable), on this or the receive thread.
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Already closed by the peer or never fully connected: closing below is all that is left.
            }

            socket.Dispose();
        }

        base.Dispose(disposing);
    }
}
