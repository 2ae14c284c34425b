using Serverless.MySql.Client;
using Serverless.MySql.Protocol;
using Xunit;

namespace Serverless.MySql.IntegrationTests;

/// <summary>Authentication methods MariaDB offers, against the real server.</summary>
public sealed class AuthTests
{
    [Fact]
    public async Task Ed25519UserAuthenticatesAfterAnAuthSwitch()
    {
        const string password = "ed-pässword-✓";
        await using (var admin = await ConnectionTestServer.OpenAsync())
        {
            var plugin = await admin.QueryTextRowsAsync("SELECT PLUGIN_STATUS FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'ed25519'");
            if (plugin.Count == 0)
            {
                await admin.ExecuteAsync("INSTALL SONAME 'auth_ed25519'");
            }

            await admin.ExecuteAsync($"CREATE OR REPLACE USER 'mysql_it_ed25519'@'%' IDENTIFIED VIA ed25519 USING PASSWORD('{password}')");

            // The server stores the public key (base64, unpadded): it must be the key our signer derives from the password.
            var stored = await admin.QueryScalarAsync("SELECT JSON_VALUE(Priv, '$.authentication_string') FROM mysql.global_priv WHERE User = 'mysql_it_ed25519'");
            Assert.Equal(Convert.ToBase64String(Ed25519.PublicKey(System.Text.Encoding.UTF8.GetBytes(password))).TrimEnd('='), stored);
        }

        var options = await ConnectionTestServer.OptionsAsync() with { User = "mysql_it_ed25519", Password = password };
        await using (var connection = await MySqlConnection.OpenAsync(options))
        {
            Assert.StartsWith("mysql_it_ed25519@", await connection.QueryScalarAsync("SELECT CURRENT_USER()"));
        }

        var e = await Assert.ThrowsAsync<MySqlException>(() => MySqlConnection.OpenAsync(options with { Password = "wrong" }));
        Assert.Equal(MySqlErrorKind.AccessDenied, e.Kind);
        Assert.Contains("client_ed25519", e.Message);
    }

    [Fact]
    public async Task UserWithoutPasswordAuthenticatesWithAnEmptyResponse()
    {
        await using (var admin = await ConnectionTestServer.OpenAsync())
        {
            await admin.ExecuteAsync("CREATE OR REPLACE USER 'mysql_it_nopass'@'%' IDENTIFIED BY ''");
        }

        var options = await ConnectionTestServer.OptionsAsync() with { User = "mysql_it_nopass", Password = string.Empty };
        await using var connection = await MySqlConnection.OpenAsync(options);
        Assert.StartsWith("mysql_it_nopass@", await connection.QueryScalarAsync("SELECT CURRENT_USER()"));
    }
}
