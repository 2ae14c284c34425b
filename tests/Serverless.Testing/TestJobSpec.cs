using System.Text.Json;

namespace Serverless.Testing;

/// <summary>Job spec files for tests: a job on the local MariaDB (or a private one by port) as the all-privileges user.</summary>
public static class TestJobSpec
{
    /// <summary>Writes the spec as <c>{folder}/{name}.json</c> and returns its path.</summary>
    public static string Write(
        string folder,
        string name,
        IEnumerable<string> include,
        string lakeRoot,
        IReadOnlyDictionary<string, string[]>? keys = null,
        int parallelism = 3,
        long chunkRows = 1000,
        string? password = null,
        int? port = null,
        string? writeMode = null,
        int? partitions = null)
    {
        var spec = new Dictionary<string, object?>
        {
            ["name"] = name,
            ["source"] = new Dictionary<string, object?>
            {
                ["host"] = LocalDependencies.MariaDbHost,
                ["port"] = port ?? LocalDependencies.MariaDbPort,
                ["user"] = LocalDependencies.MariaDbAdmin.User,
                ["password"] = "literal:" + (password ?? LocalDependencies.MariaDbAdmin.Password),
                ["tls"] = "disabled",
            },
            ["tables"] = new Dictionary<string, object?> { ["include"] = include.ToArray() },
            ["target"] = writeMode is null
                ? new Dictionary<string, object?> { ["root"] = lakeRoot }
                : new Dictionary<string, object?> { ["root"] = lakeRoot, ["writeMode"] = writeMode },
            ["keys"] = keys ?? new Dictionary<string, string[]>(),
            ["snapshot"] = new Dictionary<string, object?> { ["parallelism"] = parallelism, ["chunkRows"] = chunkRows },
        };
        if (partitions is { } count)
        {
            spec["stream"] = new Dictionary<string, object?> { ["partitions"] = count };
        }

        var path = Path.Combine(folder, name + ".json");
        File.WriteAllText(path, JsonSerializer.Serialize(spec, new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }
}
