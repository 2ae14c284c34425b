using System.Net.Sockets;
using Grpc.Net.Client;

namespace Serverless.Orchestrations.Embedded;

/// <summary>A gRPC channel to a server listening on a Unix domain socket (no TCP port, so parallel hubs never collide).</summary>
internal static class UnixSocketChannel
{
    public static GrpcChannel Create(string socketPath)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            EnableMultipleHttp2Connections = true,
        };

        // The authority is never resolved: every connection goes through the callback to the socket.
        return GrpcChannel.ForAddress("http://embedded-task-hub", new GrpcChannelOptions
        {
            HttpHandler = handler,
            MaxReceiveMessageSize = null,
            MaxSendMessageSize = null,
        });
    }
}
