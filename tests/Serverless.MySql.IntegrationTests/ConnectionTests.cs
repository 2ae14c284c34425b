using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Serverless.MySql.Client;
using Serverless.MySql.Protocol;
using Serverless.Testing;
using Xunit;

namespace Serverless.MySql.IntegrationTests;

public sealed class ConnectionTests
{
    [Fact]
    public async Task ConnectsWithNativePasswordAndReportsMariaDbVersion()
    {
        await using var connection = await ConnectionTestServer.OpenAsync();
        Assert.Equal(MySqlServerFlavor.MariaDb, connection.ServerVersion.Flavor);
        Assert.Equal(10, connection.ServerVersion.Major);
        Assert.True(connection.ConnectionId > 0);
        Assert.True((connection.Capabilities & CapabilityFlags.DeprecateEof) != 0);
        Assert.True((connection.Capabilities & CapabilityFlags.LocalFiles) == 0);
        var version = await connection.QueryScalarAsync("SELECT VERSION()");
        Assert.StartsWith($"{connection.ServerVersion.Major}.{connection.ServerVersion.Minor}.{connection.ServerVersion.Patch}", version);
        var id = await connection.QueryScalarAsync("SELECT CONNECTION_ID()");
        Assert.Equal(connection.ConnectionId.ToString(), id);
        var user = await connection.QueryScalarAsync("SELECT CURRENT_USER()");
        Assert.StartsWith("serverless@", user);
        var plugin = await connection.QueryScalarAsync("SELECT plugin FROM mysql.user WHERE user = 'serverless' LIMIT 1");
        Assert.Equal("mysql_native_password", plugin);
        await connection.PingAsync();
    }

    [Fact]
    public async Task ConnectsWithDefaultDatabase()
    {
        await using (await ConnectionTestServer.OpenOwnDatabaseAsync("mysql_it_connection"))
        {
        }

        await using var connection = await ConnectionTestServer.OpenAsync("mysql_it_connection");
        Assert.Equal("mysql_it_connection", await connection.QueryScalarAsync("SELECT DATABASE()"));
    }

    [Fact]
    public async Task WrongPasswordIsAccessDeniedWithAHint()
    {
        var options = await ConnectionTestServer.OptionsAsync();
        var e = await Assert.ThrowsAsync<MySqlException>(() => MySqlConnection.OpenAsync(options with { Password = "wrong" }));
        Assert.Equal(MySqlErrorKind.AccessDenied, e.Kind);
        Assert.Equal(1045, e.ErrorNumber);
        Assert.Equal("28000", e.SqlState);
        Assert.Contains("Access denied for user 'serverless'", e.Message);
        Assert.Contains("Check the user name and password", e.Message);
    }

    [Fact]
    public async Task UnknownDatabaseIsReportedByName()
    {
        var options = await ConnectionTestServer.OptionsAsync("mysql_it_does_not_exist");
        var e = await Assert.ThrowsAsync<MySqlException>(() => MySqlConnection.OpenAsync(options));
        Assert.Equal(MySqlErrorKind.UnknownDatabase, e.Kind);
        Assert.Equal(1049, e.ErrorNumber);
        Assert.Contains("mysql_it_does_not_exist", e.Message);
    }

    [Fact]
    public async Task RefusedPortSaysNothingListens()
    {
        var options = await ConnectionTestServer.OptionsAsync();
        var e = await Assert.ThrowsAsync<MySqlException>(() => MySqlConnection.OpenAsync(options with { Port = LoopbackPorts.Free() }));
        Assert.Equal(MySqlErrorKind.ConnectionRefused, e.Kind);
        Assert.Contains("Is the server running", e.Message);
        Assert.Contains("127.0.0.1:", e.Message);
    }

    [Fact]
    public async Task ServerThatNeverSendsTheHandshakeTimesOut()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var accept = silent.AcceptTcpClientAsync();
        var options = await ConnectionTestServer.OptionsAsync();
        var watch = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<MySqlException>(() =>
            MySqlConnection.OpenAsync(options with { Port = port, ConnectTimeout = TimeSpan.FromMilliseconds(700) }));
        Assert.Equal(MySqlErrorKind.Timeout, e.Kind);
        Assert.Contains("did not complete the handshake", e.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
        (await accept).Dispose();
    }

    [Fact]
    public async Task ReadTimeoutBreaksAConnectionWhoseServerStaysSilent()
    {
        var options = await ConnectionTestServer.OptionsAsync() with { ReadTimeout = TimeSpan.FromMilliseconds(500) };
        await using var connection = await MySqlConnection.OpenAsync(options);
        var watch = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<MySqlException>(() => connection.ExecuteAsync("DO SLEEP(5)"));
        Assert.Equal(MySqlErrorKind.Timeout, e.Kind);
        Assert.True(e.ConnectionBroken);
        Assert.Contains("read timeout", e.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"timeout took {watch.Elapsed}");
        Assert.False(connection.IsUsable);
        var next = await Assert.ThrowsAsync<MySqlException>(() => connection.QueryScalarAsync("SELECT 1"));
        Assert.Contains("broke earlier; open a new one", next.Message);
    }

    [Fact]
    public async Task ConnectionLimitOfTheAccountIsTooManyConnections()
    {
        await using (var admin = await ConnectionTestServer.OpenAsync())
        {
            await admin.ExecuteAsync("CREATE USER IF NOT EXISTS 'mysql_it_limited'@'%' IDENTIFIED BY 'limited' WITH MAX_USER_CONNECTIONS 1");
        }

        var options = await ConnectionTestServer.OptionsAsync() with { User = "mysql_it_limited", Password = "limited" };
        await using var first = await MySqlConnection.OpenAsync(options);
        var e = await Assert.ThrowsAsync<MySqlException>(() => MySqlConnection.OpenAsync(options));
        Assert.Equal(MySqlErrorKind.TooManyConnections, e.Kind);
        Assert.Contains("max_user_connections", e.Message);
    }

    [Fact]
    public async Task TlsRequiredAgainstThisServerEitherEncryptsOrSaysTheServerHasNoTls()
    {
        await using var probe = await ConnectionTestServer.OpenAsync();
        var haveSsl = (await probe.QueryTextRowsAsync("SHOW VARIABLES LIKE 'have_ssl'"))[0][1];
        var options = await ConnectionTestServer.OptionsAsync() with { TlsMode = TlsMode.Required };
        if (haveSsl == "YES")
        {
            await using var tls = await MySqlConnection.OpenAsync(options);
            Assert.True(tls.IsTls);
            var cipher = await tls.QueryTextRowsAsync("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
            Assert.NotEqual(string.Empty, cipher[0][1]);
            return;
        }

        Assert.False(probe.IsTls);
        var e = await Assert.ThrowsAsync<MySqlException>(() => MySqlConnection.OpenAsync(options));
        Assert.Equal(MySqlErrorKind.TlsNotSupported, e.Kind);
        Assert.Contains("server does not support TLS", e.Message);
        foreach (var mode in new[] { TlsMode.VerifyCa, TlsMode.VerifyFull })
        {
            var verify = await Assert.ThrowsAsync<MySqlException>(() => MySqlConnection.OpenAsync(options with { TlsMode = mode }));
            Assert.Equal(MySqlErrorKind.TlsNotSupported, verify.Kind);
        }

        await using var preferred = await MySqlConnection.OpenAsync(options with { TlsMode = TlsMode.Preferred });
        Assert.False(preferred.IsTls);
    }

    [Fact]
    public async Task SecondCommandWhileAReaderIsOpenIsRefusedClearly()
    {
        await using var connection = await ConnectionTestServer.OpenAsync();
        await using var reader = await connection.QueryAsync("SELECT 1 UNION ALL SELECT 2");
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => connection.QueryAsync("SELECT 3"));
        Assert.Contains("result reader is still open", e.Message);
        await reader.DisposeAsync();
        Assert.Equal("3", await connection.QueryScalarAsync("SELECT 3"));
    }

    [Fact]
    public async Task AlreadyCancelledTokenLeavesTheConnectionUsable()
    {
        await using var connection = await ConnectionTestServer.OpenAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connection.QueryAsync("SELECT 1", cancelled.Token));
        Assert.True(connection.IsUsable);
        Assert.Equal("8", await connection.QueryScalarAsync("SELECT 8"));
    }

    [Fact]
    public async Task OptionsPrintWithoutThePassword()
    {
        var options = await ConnectionTestServer.OptionsAsync("shop") with { Password = "top-secret", Name = "orders-source" };
        var text = options.ToString();
        Assert.DoesNotContain("top-secret", text);
        Assert.Contains("orders-source", text);
        Assert.Contains("serverless@127.0.0.1:", text);
    }
}
