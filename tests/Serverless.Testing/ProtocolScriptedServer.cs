using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Serverless.MySql.Protocol;

namespace Serverless.Testing;

/// <summary>
/// A one-connection TCP server that plays a scripted server side of the MySQL protocol with packets built
/// byte by byte from the documentation, for flows the local MariaDB cannot show (TLS, caching_sha2_password,
/// legacy EOF packets, MySQL-only statements). Its TLS is a real SslStream.
/// </summary>
public sealed class ProtocolScriptedServer : IAsyncDisposable
{
    private readonly TcpListener listener;

    private ProtocolScriptedServer(Func<ProtocolScriptedServer.Session, Task> script)
    {
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Completion = RunAsync(script);
    }

    public int Port { get; }

    /// <summary>Completes when the script finished; faults with the script's assertion failures.</summary>
    public Task Completion { get; }

    public static ProtocolScriptedServer Start(Func<Session, Task> script) => new(script);

    private async Task RunAsync(Func<Session, Task> script)
    {
        using var client = await listener.AcceptTcpClientAsync();
        await using var session = new Session(client.GetStream());
        await script(session);
    }

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        listener.Dispose();
        await Task.WhenAny(Completion, Task.Delay(TimeSpan.FromSeconds(5)));
    }

    public static X509Certificate2 SelfSignedCertificate(string dnsName, bool withLoopbackAddress)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={dnsName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(dnsName);
        if (withLoopbackAddress)
        {
            names.AddIpAddress(IPAddress.Loopback);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    public static byte[] Handshake(CapabilityFlags capabilities, byte[] scramble, string plugin, string version = "8.0.36")
    {
        var w = new List<byte> { 10 };
        w.AddRange(Encoding.ASCII.GetBytes(version));
        w.Add(0);
        w.AddRange(BitConverter.GetBytes(1234u));
        w.AddRange(scramble[..8]);
        w.Add(0);
        w.AddRange(BitConverter.GetBytes((ushort)((ulong)capabilities & 0xFFFF)));
        w.Add(255);
        w.AddRange(BitConverter.GetBytes((ushort)ServerStatusFlags.AutoCommit));
        w.AddRange(BitConverter.GetBytes((ushort)((ulong)capabilities >> 16)));
        w.Add(21);
        w.AddRange(new byte[10]);
        w.AddRange(scramble[8..20]);
        w.Add(0);
        w.AddRange(Encoding.ASCII.GetBytes(plugin));
        w.Add(0);
        return [.. w];
    }

    /// <summary>OK_Packet: header, affected rows 0, insert id 0, SERVER_STATUS_AUTOCOMMIT, no warnings.</summary>
    public static byte[] Ok(byte header = 0x00) => [header, 0, 0, 2, 0, 0, 0];

    public static byte[] Eof() => [0xFE, 0, 0, 2, 0];

    public static byte[] ColumnDefinition(string name, ColumnType type, ushort collation, ColumnFlags flags)
    {
        var w = new List<byte>();
        foreach (var s in new[] { "def", "db", "t", "t", name, name })
        {
            w.Add((byte)s.Length);
            w.AddRange(Encoding.ASCII.GetBytes(s));
        }

        w.Add(0x0C);
        w.AddRange(BitConverter.GetBytes(collation));
        w.AddRange(BitConverter.GetBytes(20u));
        w.Add((byte)type);
        w.AddRange(BitConverter.GetBytes((ushort)flags));
        w.Add(0);
        w.AddRange(new byte[2]);
        return [.. w];
    }

    /// <summary>The fields of a HandshakeResponse41 the tests check.</summary>
    public sealed record HandshakeResponse(
        CapabilityFlags Capabilities, byte CharacterSet, string User, byte[] AuthResponse, string? Database, string Plugin, IReadOnlyDictionary<string, string> Attributes)
    {
        public static HandshakeResponse Parse(byte[] payload)
        {
            var r = new PayloadReader(payload, "handshake response");
            var capabilities = (CapabilityFlags)r.ReadUInt32();
            r.ReadUInt32();
            var charset = r.ReadByte();
            r.Skip(23);
            var user = r.ReadNullTerminatedString();
            var auth = r.ReadLengthEncodedBytes().ToArray();
            string? database = (capabilities & CapabilityFlags.ConnectWithDb) != 0 ? r.ReadNullTerminatedString() : null;
            var plugin = r.ReadNullTerminatedString();
            var attributes = new Dictionary<string, string>();
            if ((capabilities & CapabilityFlags.ConnectAttrs) != 0)
            {
                var block = new PayloadReader(r.ReadLengthEncodedBytes(), "connection attributes");
                while (!block.AtEnd)
                {
                    attributes[block.ReadLengthEncodedString()] = block.ReadLengthEncodedString();
                }
            }

            if (!r.AtEnd)
            {
                throw new InvalidDataException("The handshake response has bytes after its last field.");
            }

            return new HandshakeResponse(capabilities, charset, user, auth, database, plugin, attributes);
        }
    }

    public sealed class Session(Stream network) : IAsyncDisposable
    {
        private Stream stream = network;

        /// <summary>Greets with a mysql_native_password handshake (no TLS, EOF deprecated), takes the login and answers OK.</summary>
        public async Task AcceptLoginAsync()
        {
            const CapabilityFlags capabilities = CapabilityFlags.LongPassword | CapabilityFlags.Protocol41 | CapabilityFlags.SecureConnection |
                CapabilityFlags.PluginAuth | CapabilityFlags.PluginAuthLengthEncodedClientData | CapabilityFlags.DeprecateEof;
            await SendAsync(0, Handshake(capabilities, Encoding.ASCII.GetBytes("01234567890123456789"), "mysql_native_password"));
            await ReceiveAsync();
            await SendAsync(2, Ok());
        }

        public async Task SendAsync(byte sequence, byte[] payload)
        {
            byte[] header = [(byte)payload.Length, (byte)(payload.Length >> 8), (byte)(payload.Length >> 16), sequence];
            await stream.WriteAsync(header);
            await stream.WriteAsync(payload);
            await stream.FlushAsync();
        }

        public async Task<(byte Sequence, byte[] Payload)> ReceiveAsync()
        {
            var header = new byte[4];
            await stream.ReadExactlyAsync(header);
            var payload = new byte[header[0] | (header[1] << 8) | (header[2] << 16)];
            await stream.ReadExactlyAsync(payload);
            return (header[3], payload);
        }

        public async Task UpgradeToTlsAsync(X509Certificate2 certificate)
        {
            var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate });
            stream = ssl;
        }

        public async ValueTask DisposeAsync() => await stream.DisposeAsync();
    }
}
