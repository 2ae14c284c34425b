using Serverless.MySql.Client;
using Serverless.Testing;

namespace Serverless.MySql.IntegrationTests;

/// <summary>Connection options for the local MariaDB of the test environment.</summary>
internal static class ConnectionTestServer
{
    public static async Task<MySqlConnectionOptions> OptionsAsync(string? database = null)
    {
        await LocalDependencies.EnsureMariaDbAsync();
        var (user, password) = LocalDependencies.MariaDbAdmin;
        return new MySqlConnectionOptions
        {
            Host = LocalDependencies.MariaDbHost,
            Port = LocalDependencies.MariaDbPort,
            User = user,
            Password = password,
            Database = database,
            TlsMode = TlsMode.Preferred,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            ReadTimeout = TimeSpan.FromSeconds(120),
            Name = "it",
        };
    }

    public static async Task<MySqlConnection> OpenAsync(string? database = null, bool multiStatements = false)
    {
        var options = await OptionsAsync(database);
        return await MySqlConnection.OpenAsync(options with { AllowMultipleStatements = multiStatements });
    }

    /// <summary>Creates the test's own database (never drops others) and returns a connection using it.</summary>
    public static async Task<MySqlConnection> OpenOwnDatabaseAsync(string database, bool multiStatements = false)
    {
        await using (var setup = await OpenAsync())
        {
            await setup.ExecuteAsync($"CREATE DATABASE IF NOT EXISTS `{database}` CHARACTER SET utf8mb4");
        }

        return await OpenAsync(database, multiStatements);
    }
}
