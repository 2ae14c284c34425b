using System.Text.Json;

namespace Serverless.Infra.Tests;

/// <summary>A compiled ARM template: its resources, including those of nested (module) deployments.</summary>
public sealed class ArmTemplate
{
    public ArmTemplate(JsonElement root)
    {
        Root = root;
    }

    public JsonElement Root { get; }

    /// <summary>Every resource with the template it is declared in (the module's template for module resources).</summary>
    public IEnumerable<(JsonElement Resource, JsonElement DeclaringTemplate)> AllResources() => Walk(Root);

    public IEnumerable<JsonElement> ResourcesOfType(string type) =>
        AllResources().Where(r => r.Resource.GetProperty("type").GetString() == type).Select(r => r.Resource);

    private static IEnumerable<(JsonElement, JsonElement)> Walk(JsonElement template)
    {
        var resources = template.GetProperty("resources");
        var items = resources.ValueKind == JsonValueKind.Object
            ? resources.EnumerateObject().Select(p => p.Value)
            : resources.EnumerateArray();
        foreach (var resource in items)
        {
            yield return (resource, template);
            if (resource.GetProperty("type").GetString() == "Microsoft.Resources/deployments")
            {
                foreach (var nested in Walk(resource.GetProperty("properties").GetProperty("template")))
                {
                    yield return nested;
                }
            }
        }
    }
}
