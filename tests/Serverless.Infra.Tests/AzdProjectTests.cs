using System.Text.Json;
using System.Text.RegularExpressions;
using Serverless.Testing;

namespace Serverless.Infra.Tests;

/// <summary>azure.yaml and infra/main.parameters.json agree with the template that azd provisions.</summary>
[Collection(InfraCollection.Name)]
public sealed partial class AzdProjectTests(InfraBuild infra)
{
    [Fact]
    public void ParametersFileSetsOnlyTemplateParametersAndLeavesTheSourceForAzdToAsk()
    {
        var templateParameters = infra.Template.Root.GetProperty("parameters").EnumerateObject().ToList();
        using var file = JsonDocument.Parse(File.ReadAllText(Path.Combine(InfraBuild.InfraFolder, "main.parameters.json")));
        var set = file.RootElement.GetProperty("parameters").EnumerateObject().Select(p => p.Name).ToList();

        Assert.Empty(set.Except(templateParameters.Select(p => p.Name)));

        // Required parameters the file does not map are the ones azd prompts for on the first provision and keeps in
        // the environment: the source server and its password (a secure parameter, never written to .env).
        var prompted = templateParameters
            .Where(p => !p.Value.TryGetProperty("defaultValue", out _) && !set.Contains(p.Name))
            .Select(p => p.Name)
            .Order();
        Assert.Equal(["mysqlHost", "mysqlPassword"], prompted);
        Assert.Equal("securestring", templateParameters.Single(p => p.Name == "mysqlPassword").Value.GetProperty("type").GetString());
    }

    [Fact]
    public void AzureYamlDeploysTheFunctionsServiceToTheAppTaggedForIt()
    {
        var yaml = File.ReadAllText(Path.Combine(RepoPaths.Root, "azure.yaml"));
        Assert.Matches(InfraSection(), yaml);
        var service = ServiceSection().Match(yaml);
        Assert.True(service.Success, "azure.yaml declares no service with language dotnet and host function");

        var site = infra.Defaults.Single("Microsoft.Web/sites");
        Assert.Equal(service.Groups["name"].Value, site.GetProperty("tags").GetProperty("azd-service-name").GetString());
    }

    [GeneratedRegex(@"^infra:\n  provider: bicep\n  path: infra\n  module: main\n", RegexOptions.Multiline)]
    private static partial Regex InfraSection();

    [GeneratedRegex(@"^  (?<name>[a-z-]+):\n(?:    #.*\n)*    project: \S+\n    language: dotnet\n    host: function\n", RegexOptions.Multiline)]
    private static partial Regex ServiceSection();
}
