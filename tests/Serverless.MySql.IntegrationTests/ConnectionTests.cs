using Xunit;
using Serverless.MySql.Client;
using Serverless.MySql.Protocol;

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
        var version = await connection.QueryScalarAsync("SELECT VERSION()");
        Assert.StartsWith($"{connection.ServerVersion.Major}.{connection.ServerVersion.Minor}.{connection.ServerVersion.Patch}", version);
        var id = await connection.QueryScalarAsync("SELECT CONNECTION_ID()");
        Assert.Equal(connection.ConnectionId.ToString(), id);
        var user = await connection.QueryScalarAsync("SELECT CURRENT_USER()");
        Assert.StartsWith("serverless@", user);
    }
}
