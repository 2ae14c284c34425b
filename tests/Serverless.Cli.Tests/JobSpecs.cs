using System.Globalization;
using Serverless.Testing;

namespace Serverless.Cli.Tests;

/// <summary>Job specs against the local MariaDB (all-privileges user) for the CLI tests, and the database they read.</summary>
public static class JobSpecs
{
    /// <summary>A fresh database with one table <c>items (id, name, price)</c> of <paramref name="rows"/> rows: item-N at N/4.</summary>
    public static async Task<SourceDatabase> CreateItemsDatabaseAsync(string name, int rows)
    {
        var db = await SourceDatabase.CreateAsync(name);
        await db.Admin.ExecuteAsync("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, price DECIMAL(10,2))");
        await db.Admin.ExecuteAsync($"INSERT INTO items SELECT seq, CONCAT('item-', seq), seq / 4 FROM seq_1_to_{rows.ToString(CultureInfo.InvariantCulture)}");
        return db;
    }

    /// <summary>Writes <c>job.json</c> into <paramref name="folder"/> replicating <c>database.*</c> into <paramref name="lakeRoot"/>; returns its path.</summary>
    public static string Write(string folder, string name, string database, string lakeRoot) =>
        WriteIncluding(folder, name, $"{database}.*", lakeRoot);

    /// <summary>Writes <c>job.json</c> into <paramref name="folder"/> replicating the tables <paramref name="include"/> matches; returns its path.</summary>
    public static string WriteIncluding(string folder, string name, string include, string lakeRoot)
    {
        var path = Path.Combine(folder, "job.json");
        File.WriteAllText(path, $$"""
            {
              "name": "{{name}}",
              "source": { "host": "{{LocalDependencies.MariaDbHost}}", "port": {{LocalDependencies.MariaDbPort.ToString(CultureInfo.InvariantCulture)}},
                          "user": "{{LocalDependencies.MariaDbAdmin.User}}", "password": "{{LocalDependencies.MariaDbAdmin.Password}}", "tls": "disabled" },
              "tables": { "include": ["{{include}}"] },
              "target": { "root": "{{lakeRoot}}" },
              "snapshot": { "parallelism": 2, "chunkRows": 1000 }
            }
            """);
        return path;
    }
}
