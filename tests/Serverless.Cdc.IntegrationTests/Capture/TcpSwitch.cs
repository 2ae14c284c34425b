using System.Net;
using System.Net.Sockets;

namespace Serverless.Cdc.IntegrationTests.Capture;

/// <summary>
/// One address in front of a server, like a virtual IP: forwards every connection to the current target port;
/// <see cref="SwitchTo"/> points it at another server and drops the connections it carries, as a failover does.
/// </summary>
internal sealed class TcpSwitch : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly List<(TcpClient Client, TcpClient Upstream)> carried = [];
    private readonly Task accepting;
    private int target;

    private TcpSwitch(int targetPort)
    {
        target = targetPort;
        listener.Start();
        accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public static TcpSwitch Start(int targetPort) => new(targetPort);

    public void SwitchTo(int targetPort)
    {
        Volatile.Write(ref target, targetPort);
        DropAll();
    }

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        listener.Dispose();
        DropAll();
        await accepting;
    }

    private void DropAll()
    {
        lock (carried)
        {
            foreach (var (client, upstream) in carried)
            {
                client.Dispose();
                upstream.Dispose();
            }

            carried.Clear();
        }
    }

    /// <summary>Accepts connections until the listener stops, handing each to <paramref name="accepted"/> in turn.</summary>
    public static async Task AcceptEachAsync(TcpListener listener, Func<TcpClient, Task> accepted)
    {
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentNullException.ThrowIfNull(accepted);
        while (true)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            await accepted(client);
        }
    }

    private Task AcceptAsync() => AcceptEachAsync(listener, async client =>
    {
        var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(IPAddress.Loopback, Volatile.Read(ref target));
        }
        catch (SocketException)
        {
            // Nothing listens there (the server is down): the client sees its connection dropped, as it would.
            client.Dispose();
            upstream.Dispose();
            return;
        }

        lock (carried)
        {
            carried.Add((client, upstream));
        }

        _ = PipeAsync(client, upstream);
        _ = PipeAsync(upstream, client);
    });

    private static async Task PipeAsync(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream());
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or SocketException)
        {
            // One side went away; the other is closed below.
        }

        from.Dispose();
        to.Dispose();
    }
}
