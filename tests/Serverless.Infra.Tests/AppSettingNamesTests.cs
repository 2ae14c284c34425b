using System.Reflection;
using Serverless.Cdc.Hosting;
using Serverless.Testing;

namespace Serverless.Infra.Tests;

/// <summary>
/// App settings are read through <see cref="AppSettingNames"/> only, and infra sets exactly those: a host cannot read
/// a setting that a deployment leaves unset.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class AppSettingNamesTests(InfraBuild infra)
{
    private static readonly string NamesFile = Path.Combine(RepoPaths.Root, "src", "Serverless.Cdc", "Hosting", "AppSettingNames.cs");

    [Fact]
    public void CompiledTemplateSetsEveryNamedAppSettingAndNoOther()
    {
        var site = Assert.Single(infra.Template.ResourcesOfType("Microsoft.Web/sites"));
        var set = site.GetProperty("properties").GetProperty("siteConfig").GetProperty("appSettings").EnumerateArray()
            .Select(s => s.GetProperty("name").GetString()!)
            .ToList();

        Assert.Equal(set.Count, set.Distinct(StringComparer.Ordinal).Count());
        var missing = Names().Except(set, StringComparer.Ordinal).ToList();
        var unnamed = set.Except(Names(), StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, $"infra/modules/function-app.bicep does not set: {string.Join(", ", missing)}");
        Assert.True(unnamed.Count == 0, $"infra sets settings that AppSettingNames does not name: {string.Join(", ", unnamed)}");
    }

    [Fact]
    public void EveryNameIsADistinctNonEmptyConstant()
    {
        var fields = typeof(AppSettingNames).GetFields(BindingFlags.Public | BindingFlags.Static);
        Assert.All(fields, f => Assert.True(f.IsLiteral && f.FieldType == typeof(string), $"{f.Name} is not a const string"));
        Assert.All(Names(), n => Assert.False(string.IsNullOrWhiteSpace(n)));
        Assert.Equal(Names().Count, Names().Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void NoDeployedSourceReadsConfigurationByALiteralKey()
    {
        Assert.True(File.Exists(NamesFile), NamesFile);

        var reads = ConfigurationReads.FindInRepository(RepoPaths.Root, NamesFile).ToList();

        Assert.True(
            reads.Count == 0,
            "Read these through a constant in src/Serverless.Cdc/Hosting/AppSettingNames.cs (and set it in infra/modules/function-app.bicep):\n"
            + string.Join('\n', reads.Select(r => $"  {r.File}:{r.Line}: \"{r.Key}\"")));
    }

    [Fact]
    public void ScanFindsEveryFormOfLiteralReadAndSkipsConstantsAndDeltaTableProperties()
    {
        const string Source = """
            var a = Environment.GetEnvironmentVariable("ONE");
            var b = configuration["Two"];
            var c = _configuration[ "three" ];
            var d = builder.Configuration["Four:Five"];
            var e = config?["SIX"];
            var f = configuration.GetValue<int>("Seven");
            var g = configuration.GetSection("Eight");
            var h = configuration.GetRequiredSection("Nine");
            var i = configuration.GetConnectionString("Ten");
            var j = Environment.GetEnvironmentVariable(AppSettingNames.LakeUrl);
            var k = configuration[AppSettingNames.EventHubName];
            metadata.configuration["delta.enableDeletionVectors"] = "true";
            """;

        var reads = ConfigurationReads.Find(Source, "sample.cs").ToList();

        Assert.Equal(["ONE", "Two", "three", "Four:Five", "SIX", "Seven", "Eight", "Nine", "Ten"], reads.Select(r => r.Key));
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9], reads.Select(r => r.Line));
    }

    private static List<string> Names() =>
        typeof(AppSettingNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();
}
