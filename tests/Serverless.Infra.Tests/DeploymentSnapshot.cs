using System.Text.Json;
using Serverless.Testing;

namespace Serverless.Infra.Tests;

/// <summary>The resources bicep predicts one deployment creates (the output of <c>bicep snapshot</c>).</summary>
public sealed class DeploymentSnapshot
{
    public DeploymentSnapshot(JsonElement root, ProcessRunner.Result run)
    {
        Root = root;
        Run = run;
        Resources = root.GetProperty("predictedResources").EnumerateArray().ToList();
    }

    public JsonElement Root { get; }

    public ProcessRunner.Result Run { get; }

    public IReadOnlyList<JsonElement> Resources { get; }

    public IEnumerable<JsonElement> OfType(string type) =>
        Resources.Where(r => r.GetProperty("type").GetString() == type);

    public JsonElement Single(string type)
    {
        var matches = OfType(type).ToList();
        Assert.True(matches.Count == 1, $"expected one {type}, found {matches.Count}");
        return matches[0];
    }

    public static string Id(JsonElement resource) => resource.GetProperty("id").GetString()!;

    /// <summary>The app settings of the function app, by name.</summary>
    public IReadOnlyDictionary<string, string> AppSettings() =>
        Single("Microsoft.Web/sites").GetProperty("properties").GetProperty("siteConfig").GetProperty("appSettings")
            .EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("value").GetString()!, StringComparer.Ordinal);
}
