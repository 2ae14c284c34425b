using System.Security.Cryptography;
using System.Text;
using Serverless.MySql.Client;
using Serverless.MySql.Protocol;
using Serverless.Testing;
using Xunit;

namespace Serverless.MySql.Tests;

/// <summary>
/// Authentication exchanges MariaDB cannot show (it has no caching_sha2_password), played by a scripted server
/// that checks the client's packets the way a MySQL server does.
/// </summary>
public sealed class AuthFlowTests
{
    private const CapabilityFlags ServerCapabilities =
        CapabilityFlags.LongPassword | CapabilityFlags.LongFlag | CapabilityFlags.ConnectWithDb | CapabilityFlags.Protocol41 |
        CapabilityFlags.Transactions | CapabilityFlags.SecureConnection | CapabilityFlags.MultiStatements | CapabilityFlags.MultiResults |
        CapabilityFlags.PsMultiResults | CapabilityFlags.PluginAuth | CapabilityFlags.PluginAuthLengthEncodedClientData |
        CapabilityFlags.DeprecateEof | CapabilityFlags.LocalFiles | CapabilityFlags.ConnectAttrs;

    private static readonly byte[] Scramble = Encoding.ASCII.GetBytes("0123456789ABCDEFGHIJ");

    [Fact]
    public async Task CachingSha2FastPathSendsTheDocumentedScrambleAndNegotiatedCapabilities()
    {
        ProtocolScriptedServer.HandshakeResponse? seen = null;
        await using var server = ProtocolScriptedServer.Start(async s =>
        {
            await s.SendAsync(0, ProtocolScriptedServer.Handshake(ServerCapabilities, Scramble, "caching_sha2_password"));
            var (sequence, payload) = await s.ReceiveAsync();
            Assert.Equal(1, sequence);
            seen = ProtocolScriptedServer.HandshakeResponse.Parse(payload);
            var stored = SHA256.HashData(SHA256.HashData("sha2-secret"u8));
            var mask = SHA256.HashData([.. stored, .. Scramble]);
            var candidate = seen.AuthResponse.Zip(mask, (a, b) => (byte)(a ^ b)).ToArray();
            Assert.Equal(stored, SHA256.HashData(candidate));
            await s.SendAsync(2, [0x01, 0x03]);
            await s.SendAsync(3, ProtocolScriptedServer.Ok());
            await ServeSelectOneAsync(s, deprecateEof: true);
        });

        await using (var connection = await MySqlConnection.OpenAsync(Options(server, "sha2-secret") with { Database = "shop" }))
        {
            Assert.Equal(MySqlServerFlavor.MySql, connection.ServerVersion.Flavor);
            Assert.Equal(1234u, connection.ConnectionId);
            Assert.Equal("1", await connection.QueryScalarAsync("SELECT 1"));
        }

        await server.Completion;
        Assert.NotNull(seen);
        Assert.Equal("app", seen.User);
        Assert.Equal("shop", seen.Database);
        Assert.Equal("caching_sha2_password", seen.Plugin);
        Assert.Equal(45, seen.CharacterSet);
        Assert.Equal("scripted", seen.Attributes["program_name"]);
        Assert.Equal("Serverless.MySql", seen.Attributes["_client_name"]);
        Assert.Equal(0ul, (ulong)(seen.Capabilities & (CapabilityFlags.LocalFiles | CapabilityFlags.MultiStatements | CapabilityFlags.Ssl)));
        var required = CapabilityFlags.Protocol41 | CapabilityFlags.SecureConnection | CapabilityFlags.PluginAuth |
                       CapabilityFlags.PluginAuthLengthEncodedClientData | CapabilityFlags.ConnectWithDb | CapabilityFlags.DeprecateEof | CapabilityFlags.MultiResults;
        Assert.Equal(required, seen.Capabilities & required);
    }

    [Fact]
    public async Task CachingSha2FullAuthenticationWithoutTlsEncryptsWithTheServerRsaKey()
    {
        using var serverKey = RSA.Create(2048);
        await using var server = ProtocolScriptedServer.Start(async s =>
        {
            await s.SendAsync(0, ProtocolScriptedServer.Handshake(ServerCapabilities, Scramble, "caching_sha2_password"));
            await s.ReceiveAsync();
            await s.SendAsync(2, [0x01, 0x04]);
            var (sequence, request) = await s.ReceiveAsync();
            Assert.Equal(3, sequence);
            Assert.Equal(new byte[] { 0x02 }, request);
            await s.SendAsync(4, [0x01, .. Encoding.ASCII.GetBytes(serverKey.ExportSubjectPublicKeyInfoPem())]);
            var (_, encrypted) = await s.ReceiveAsync();
            var clear = serverKey.Decrypt(encrypted, RSAEncryptionPadding.OaepSHA1);
            for (var i = 0; i < clear.Length; i++)
            {
                clear[i] ^= Scramble[i % Scramble.Length];
            }

            Assert.Equal("full-auth\0"u8.ToArray(), clear);
            await s.SendAsync(6, ProtocolScriptedServer.Ok());
            await s.ReceiveAsync(); // COM_QUIT
        });

        await using (await MySqlConnection.OpenAsync(Options(server, "full-auth")))
        {
        }

        await server.Completion;
    }

    [Fact]
    public async Task CachingSha2FullAuthenticationWithoutTlsOrKeyRetrievalExplainsTheFix()
    {
        await using var server = ProtocolScriptedServer.Start(async s =>
        {
            await s.SendAsync(0, ProtocolScriptedServer.Handshake(ServerCapabilities, Scramble, "caching_sha2_password"));
            await s.ReceiveAsync();
            await s.SendAsync(2, [0x01, 0x04]);
        });

        var e = await Assert.ThrowsAsync<MySqlException>(() => MySqlConnection.OpenAsync(Options(server, "x") with { AllowPublicKeyRetrieval = false }));
        Assert.Equal(MySqlErrorKind.AuthenticationMethodNotSupported, e.Kind);
        Assert.Contains("Enable TLS, or set AllowPublicKeyRetrieval", e.Message);
    }

    [Fact]
    public async Task AuthSwitchToNativePasswordUsesTheNewScramble()
    {
        var second = Encoding.ASCII.GetBytes("zyxwvutsrqponmlkjihg");
        await using var server = ProtocolScriptedServer.Start(async s =>
        {
            await s.SendAsync(0, ProtocolScriptedServer.Handshake(ServerCapabilities, Scramble, "caching_sha2_password"));
            await s.ReceiveAsync();
            await s.SendAsync(2, [0xFE, .. "mysql_native_password\0"u8.ToArray(), .. second, 0]);
            var (sequence, response) = await s.ReceiveAsync();
            Assert.Equal(3, sequence);
            var stored = SHA1.HashData(SHA1.HashData("native"u8));
            var mask = SHA1.HashData([.. second, .. stored]);
            Assert.Equal(stored, SHA1.HashData(response.Zip(mask, (a, b) => (byte)(a ^ b)).ToArray()));
            await s.SendAsync(4, ProtocolScriptedServer.Ok());
            await s.ReceiveAsync();
        });

        await using (await MySqlConnection.OpenAsync(Options(server, "native")))
        {
        }

        await server.Completion;
    }

    [Fact]
    public async Task AuthSwitchToAnUnsupportedMethodNamesIt()
    {
        await using var server = ProtocolScriptedServer.Start(async s =>
        {
            await s.SendAsync(0, ProtocolScriptedServer.Handshake(ServerCapabilities, Scramble, "mysql_native_password"));
            await s.ReceiveAsync();
            await s.SendAsync(2, [0xFE, .. "dialog\0"u8.ToArray(), 1, 2]);
        });

        var e = await Assert.ThrowsAsync<MySqlException>(() => MySqlConnection.OpenAsync(Options(server, "x")));
        Assert.Equal(MySqlErrorKind.AuthenticationMethodNotSupported, e.Kind);
        Assert.Contains("dialog", e.Message);
    }

    [Fact]
    public async Task ErrInsteadOfHandshakeIsTooManyConnections()
    {
        await using var server = ProtocolScriptedServer.Start(async s =>
            await s.SendAsync(0, [0xFF, 0x10, 0x04, .. "#08004Too many connections"u8.ToArray()]));

        var e = await Assert.ThrowsAsync<MySqlException>(() => MySqlConnection.OpenAsync(Options(server, "x")));
        Assert.Equal(MySqlErrorKind.TooManyConnections, e.Kind);
        Assert.Equal(1040, e.ErrorNumber);
        Assert.Equal("08004", e.SqlState);
        Assert.Contains("max_connections", e.Message);
    }

    [Fact]
    public async Task ServerWithoutDeprecateEofSendsLegacyEofPacketsThatAreUnderstood()
    {
        await using var server = ProtocolScriptedServer.Start(async s =>
        {
            await s.SendAsync(0, ProtocolScriptedServer.Handshake(ServerCapabilities & ~CapabilityFlags.DeprecateEof, Scramble, "mysql_native_password", "5.5.5-10.1.48-MariaDB"));
            var (_, payload) = await s.ReceiveAsync();
            Assert.Equal(CapabilityFlags.None, ProtocolScriptedServer.HandshakeResponse.Parse(payload).Capabilities & CapabilityFlags.DeprecateEof);
            await s.SendAsync(2, ProtocolScriptedServer.Ok());
            await ServeSelectOneAsync(s, deprecateEof: false);
        });

        await using (var connection = await MySqlConnection.OpenAsync(Options(server, "x")))
        {
            Assert.Equal(MySqlServerFlavor.MariaDb, connection.ServerVersion.Flavor);
            Assert.Equal(10, connection.ServerVersion.Major);
            Assert.Equal("1", await connection.QueryScalarAsync("SELECT 1"));
        }

        await server.Completion;
    }

    internal static MySqlConnectionOptions Options(ProtocolScriptedServer server, string password) => new()
    {
        Port = server.Port,
        User = "app",
        Password = password,
        TlsMode = TlsMode.Preferred,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        ReadTimeout = TimeSpan.FromSeconds(10),
        Name = "scripted",
    };

    /// <summary>Answers COM_QUERY with a one-column, one-row text result set, then expects COM_QUIT.</summary>
    internal static async Task ServeSelectOneAsync(ProtocolScriptedServer.Session s, bool deprecateEof)
    {
        var (sequence, query) = await s.ReceiveAsync();
        Assert.Equal(0, sequence);
        Assert.Equal("\u0003SELECT 1", Encoding.ASCII.GetString(query));
        byte seq = 1;
        await s.SendAsync(seq++, [0x01]);
        await s.SendAsync(seq++, ProtocolScriptedServer.ColumnDefinition("1", ColumnType.LongLong, 63, ColumnFlags.NotNull | ColumnFlags.Binary));
        if (!deprecateEof)
        {
            await s.SendAsync(seq++, ProtocolScriptedServer.Eof());
        }

        await s.SendAsync(seq++, [0x01, (byte)'1']);
        await s.SendAsync(seq, deprecateEof ? ProtocolScriptedServer.Ok(0xFE) : ProtocolScriptedServer.Eof());
        var (quitSequence, quit) = await s.ReceiveAsync();
        Assert.Equal(0, quitSequence);
        Assert.Equal(new byte[] { 0x01 }, quit);
    }
}
