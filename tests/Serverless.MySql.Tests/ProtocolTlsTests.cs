using System.Security.Cryptography.X509Certificates;
using System.Text;
using Serverless.MySql.Client;
using Serverless.MySql.Protocol;
using Serverless.Testing;
using Xunit;

namespace Serverless.MySql.Tests;

/// <summary>
/// TLS negotiation (SSLRequest, TLS handshake, handshake response over TLS) and the verify modes, against a scripted
/// server with a real SslStream. The local MariaDB has TLS disabled, so this is where TLS is exercised.
/// </summary>
public sealed class ProtocolTlsTests
{
    private const CapabilityFlags ServerCapabilities =
        CapabilityFlags.LongPassword | CapabilityFlags.Protocol41 | CapabilityFlags.SecureConnection | CapabilityFlags.PluginAuth |
        CapabilityFlags.PluginAuthLengthEncodedClientData | CapabilityFlags.DeprecateEof | CapabilityFlags.MultiResults |
        CapabilityFlags.Transactions | CapabilityFlags.Ssl;

    private static readonly byte[] Scramble = Encoding.ASCII.GetBytes("abcdefghijKLMNOPQRST");

    [Fact]
    public async Task RequiredModeSendsSslRequestThenAuthenticatesOverTlsWithCleartextFullAuth()
    {
        using var certificate = ProtocolScriptedServer.SelfSignedCertificate("db.example", withLoopbackAddress: false);
        await using var server = ProtocolScriptedServer.Start(async s =>
        {
            await s.SendAsync(0, ProtocolScriptedServer.Handshake(ServerCapabilities, Scramble, "caching_sha2_password"));
            var (sslSequence, sslRequest) = await s.ReceiveAsync();
            Assert.Equal(1, sslSequence);
            Assert.Equal(32, sslRequest.Length);
            Assert.Equal(CapabilityFlags.Ssl, (CapabilityFlags)BitConverter.ToUInt32(sslRequest) & CapabilityFlags.Ssl);
            await s.UpgradeToTlsAsync(certificate);
            var (sequence, payload) = await s.ReceiveAsync();
            Assert.Equal(2, sequence);
            Assert.Equal("app", ProtocolScriptedServer.HandshakeResponse.Parse(payload).User);
            await s.SendAsync(3, [0x01, 0x04]);
            var (_, password) = await s.ReceiveAsync();
            Assert.Equal("tls-secret\0"u8.ToArray(), password);
            await s.SendAsync(5, ProtocolScriptedServer.Ok());
            await AuthFlowTests.ServeSelectOneAsync(s, deprecateEof: true);
        });

        await using (var connection = await MySqlConnection.OpenAsync(AuthFlowTests.Options(server, "tls-secret") with { TlsMode = TlsMode.Required }))
        {
            Assert.True(connection.IsTls);
            Assert.Equal("1", await connection.QueryScalarAsync("SELECT 1"));
        }

        await server.Completion;
    }

    [Fact]
    public async Task VerifyFullAcceptsACertificateForTheHostFromTheGivenCa()
    {
        using var certificate = ProtocolScriptedServer.SelfSignedCertificate("db.example", withLoopbackAddress: true);
        using var dir = new CaFile(certificate);
        await using var server = StartTlsServer(certificate);
        await using (var connection = await MySqlConnection.OpenAsync(AuthFlowTests.Options(server, "x") with { TlsMode = TlsMode.VerifyFull, TlsCaCertificatePath = dir.Path }))
        {
            Assert.True(connection.IsTls);
        }

        await server.Completion;
    }

    [Fact]
    public async Task VerifyCaIgnoresTheHostNameButVerifyFullRejectsIt()
    {
        using var certificate = ProtocolScriptedServer.SelfSignedCertificate("db.example", withLoopbackAddress: false);
        using var ca = new CaFile(certificate);
        await using (var server = StartTlsServer(certificate))
        {
            await using var connection = await MySqlConnection.OpenAsync(AuthFlowTests.Options(server, "x") with { TlsMode = TlsMode.VerifyCa, TlsCaCertificatePath = ca.Path });
            Assert.True(connection.IsTls);
        }

        await using (var server = StartTlsServer(certificate))
        {
            var e = await Assert.ThrowsAsync<MySqlException>(() =>
                MySqlConnection.OpenAsync(AuthFlowTests.Options(server, "x") with { TlsMode = TlsMode.VerifyFull, TlsCaCertificatePath = ca.Path }));
            Assert.Equal(MySqlErrorKind.TlsFailed, e.Kind);
            Assert.Contains("VerifyFull also needs the certificate to name the host", e.Message);
        }
    }

    [Fact]
    public async Task VerifyCaRejectsAnUntrustedSelfSignedCertificate()
    {
        using var certificate = ProtocolScriptedServer.SelfSignedCertificate("db.example", withLoopbackAddress: true);
        await using var server = StartTlsServer(certificate);
        var e = await Assert.ThrowsAsync<MySqlException>(() =>
            MySqlConnection.OpenAsync(AuthFlowTests.Options(server, "x") with { TlsMode = TlsMode.VerifyCa }));
        Assert.Equal(MySqlErrorKind.TlsFailed, e.Kind);
        Assert.Contains("TlsCaCertificatePath", e.Message);
    }

    [Fact]
    public async Task DisabledModeStaysInPlainTextEvenWhenTheServerOffersTls()
    {
        await using var server = ProtocolScriptedServer.Start(async s =>
        {
            await s.SendAsync(0, ProtocolScriptedServer.Handshake(ServerCapabilities, Scramble, "mysql_native_password"));
            var (sequence, payload) = await s.ReceiveAsync();
            Assert.Equal(1, sequence);
            Assert.Equal(CapabilityFlags.None, ProtocolScriptedServer.HandshakeResponse.Parse(payload).Capabilities & CapabilityFlags.Ssl);
            await s.SendAsync(2, ProtocolScriptedServer.Ok());
            await s.ReceiveAsync();
        });

        await using (var connection = await MySqlConnection.OpenAsync(AuthFlowTests.Options(server, "x") with { TlsMode = TlsMode.Disabled }))
        {
            Assert.False(connection.IsTls);
        }

        await server.Completion;
    }

    /// <summary>A server that completes TLS and native-password authentication, when the client accepts its certificate.</summary>
    private static ProtocolScriptedServer StartTlsServer(X509Certificate2 certificate) => ProtocolScriptedServer.Start(async s =>
    {
        await s.SendAsync(0, ProtocolScriptedServer.Handshake(ServerCapabilities, Scramble, "mysql_native_password"));
        await s.ReceiveAsync();
        try
        {
            await s.UpgradeToTlsAsync(certificate);
        }
        catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException)
        {
            return; // the client rejected the certificate
        }

        await s.ReceiveAsync();
        await s.SendAsync(3, ProtocolScriptedServer.Ok());
        await s.ReceiveAsync();
    });

    private sealed class CaFile : IDisposable
    {
        public CaFile(X509Certificate2 certificate)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"mysql-ca-{Guid.NewGuid():N}.pem");
            File.WriteAllText(Path, certificate.ExportCertificatePem());
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }
}
