using System.Net;
using System.Net.Sockets;

namespace Serverless.Testing;

/// <summary>
/// Starting a server on a loopback port without colliding with other test processes on this machine. InProcessTestHost,
/// left to itself, draws a port at random and fails when another process holds it; a port the OS just handed out is
/// almost always free, and when it was taken in between another one is tried.
/// </summary>
public static class LoopbackPorts
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Calls <paramref name="start"/> with a free port, again with another while the port turns out to be taken (up to 5 times).</summary>
    public static async Task<T> StartAsync<T>(Func<int, Task<T>> start)
    {
        ArgumentNullException.ThrowIfNull(start);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await start(Free()).ConfigureAwait(false);
            }
            catch (IOException e) when (attempt < 5 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
            }
        }
    }
}
