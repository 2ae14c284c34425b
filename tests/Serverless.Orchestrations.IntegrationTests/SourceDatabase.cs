using Serverless.MySql.Client;
using Serverless.Testing;

namespace Serverless.Orchestrations.IntegrationTests;

/// <summary>An orch_it_* database on the local MariaDB, created fresh and dropped at the end.</summary>
public sealed class SourceDatabase : IAsyncDisposable
{
    private SourceDatabase(string name, MySqlConnection admin)
    {
        Name = name;
        Admin = admin;
    }

    public string Name { get; }

    /// <summary>A connection as the all-privileges user in a UTC, utf8mb4 session with the database selected.</summary>
    public MySqlConnection Admin { get; }

    public static async Task<SourceDatabase> CreateAsync(string name)
    {
        if (!name.StartsWith("orch_it_", StringComparison.Ordinal))
        {
            throw new ArgumentException("Test databases are named orch_it_*.", nameof(name));
        }

        await LocalDependencies.EnsureMariaDbAsync();
        var admin = await MySqlConnection.OpenAsync(new MySqlConnectionOptions
        {
            Host = LocalDependencies.MariaDbHost,
            Port = LocalDependencies.MariaDbPort,
            User = LocalDependencies.MariaDbAdmin.User,
            Password = LocalDependencies.MariaDbAdmin.Password,
            TlsMode = TlsMode.Disabled,
            Name = "orch-it",
        });
        await admin.ExecuteAsync($"DROP DATABASE IF EXISTS `{name}`");
        await admin.ExecuteAsync($"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        await admin.ExecuteAsync($"USE `{name}`");
        await admin.ExecuteAsync("SET NAMES utf8mb4, time_zone = '+00:00', sql_mode = ''");
        return new SourceDatabase(name, admin);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Admin.ExecuteAsync($"DROP DATABASE IF EXISTS `{Name}`");
        }
        finally
        {
            await Admin.DisposeAsync();
        }
    }
}
