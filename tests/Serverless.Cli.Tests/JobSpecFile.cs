using System.Globalization;
using Serverless.Testing;

namespace Serverless.Cli.Tests;

/// <summary>Job specs for `serverless run` against the local MariaDB as the all-privileges user.</summary>
public static class JobSpecFile
{
    /// <summary>Writes <c>job.json</c> into <paramref name="dir"/> and returns its path; <paramref name="snapshot"/> is the spec's snapshot object, if any.</summary>
    public static async Task<string> WriteAsync(TempDirectory dir, string name, string include, string lake, string? snapshot = null)
    {
        ArgumentNullException.ThrowIfNull(dir);
        var job = dir.File("job.json");
        await File.WriteAllTextAsync(job, $$"""
            {
              "name": "{{name}}",
              "source": { "host": "{{LocalDependencies.MariaDbHost}}", "port": {{LocalDependencies.MariaDbPort.ToString(CultureInfo.InvariantCulture)}},
                          "user": "{{LocalDependencies.MariaDbAdmin.User}}", "password": "{{LocalDependencies.MariaDbAdmin.Password}}", "tls": "disabled" },
              "tables": { "include": ["{{include}}"] },
              "target": { "root": "{{lake}}" }{{(snapshot is null ? string.Empty : ",\n  \"snapshot\": " + snapshot)}}
            }
            """);
        return job;
    }
}
