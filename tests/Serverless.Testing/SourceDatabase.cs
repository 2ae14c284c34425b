using Serverless.MySql.Client;

namespace Serverless.Testing;

/// <summary>
/// A test database on the local MariaDB (named PROJECT_it_*, e.g. cdc_it_plan), created fresh for a test or test class
/// and dropped at the end. The name rule keeps a mistyped name from dropping a real database.
/// </summary>
public sealed class SourceDatabase : IAsyncDisposable
{
    private SourceDatabase(string name, MySqlConnection admin)
    {
        Name = name;
        Admin = admin;
    }

    public string Name { get; }

    /// <summary>A connection as the all-privileges user, in a UTC, utf8mb4 session with the database selected.</summary>
    public MySqlConnection Admin { get; }

    public static MySqlConnectionOptions AdminOptions(string? database = null) => new()
    {
        Host = LocalDependencies.MariaDbHost,
        Port = LocalDependencies.MariaDbPort,
        User = LocalDependencies.MariaDbAdmin.User,
        Password = LocalDependencies.MariaDbAdmin.Password,
        Database = database,
        TlsMode = TlsMode.Disabled,
        Name = "integration-test",
    };

    public static async Task<SourceDatabase> CreateAsync(string name)
    {
        if (!name.Contains("_it_", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Test databases are named PROJECT_it_* (cdc_it_plan, orch_it_shop); '{name}' is not.", nameof(name));
        }

        await LocalDependencies.EnsureMariaDbAsync();
        var admin = await MySqlConnection.OpenAsync(AdminOptions());
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
