using Serverless.Testing;

namespace Serverless.Infra.Tests;

/// <summary>bicep lint, build and snapshot of infra/main.bicep report nothing: a warning fails like an error.</summary>
[Collection(InfraCollection.Name)]
public sealed class BicepDiagnosticsTests(InfraBuild infra)
{
    [Fact]
    public void LintOfMainTemplateExitsZeroWithNoDiagnostics()
    {
        Assert.True(
            infra.Lint.ExitCode == 0 && Quiet(infra.Lint.StandardOutput) && Quiet(infra.Lint.StandardError),
            $"bicep lint infra/main.bicep exited {infra.Lint.ExitCode}:\n{infra.Lint.StandardOutput}{infra.Lint.StandardError}");
    }

    [Fact]
    public void BuildOfMainTemplateExitsZeroWithNoDiagnostics()
    {
        Assert.True(
            infra.Build.ExitCode == 0 && Quiet(infra.Build.StandardError),
            $"bicep build infra/main.bicep exited {infra.Build.ExitCode}:\n{infra.Build.StandardError}");
        Assert.Equal("https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#", infra.Template.Root.GetProperty("$schema").GetString());
    }

    [Fact]
    public void SnapshotsOfBothParameterSetsHaveNoDiagnostics()
    {
        foreach (var snapshot in new[] { infra.Defaults, infra.AllOptions })
        {
            Assert.Equal(0, snapshot.Root.GetProperty("diagnostics").GetArrayLength());
            Assert.True(Quiet(snapshot.Run.StandardError), snapshot.Run.StandardError);
        }
    }

    [Fact]
    public async Task LinterConfigurationTurnsAnUnusedParameterIntoAFailure()
    {
        // The same lint on a copy with one unused parameter added must fail, or the clean lint above proves nothing.
        using var copy = new TempDirectory("serverless-infra-lint");
        InfraBuild.CopyInfraTo(copy.Path);
        await File.AppendAllTextAsync(copy.File("main.bicep"), "\n@description('Unused.')\nparam neverRead string = ''\n");

        var lint = await BicepCli.RunAsync(copy.Path, "lint", "main.bicep");

        Assert.NotEqual(0, lint.ExitCode);
        Assert.Contains("no-unused-params", lint.StandardOutput + lint.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TemplatesAreLaidOutAsBicepFormatWritesThem()
    {
        using var copy = new TempDirectory("serverless-infra-format");
        InfraBuild.CopyInfraTo(copy.Path);

        var format = await BicepCli.RunAsync(copy.Path, "format", "--pattern", "**/*.bicep");

        Assert.True(format.ExitCode == 0, format.StandardOutput + format.StandardError);
        var files = Directory.GetFiles(InfraBuild.InfraFolder, "*.bicep", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        var changed = files
            .Where(f => File.ReadAllText(f) != File.ReadAllText(Path.Combine(copy.Path, Path.GetRelativePath(InfraBuild.InfraFolder, f))))
            .Select(f => Path.GetRelativePath(InfraBuild.InfraFolder, f))
            .ToList();
        Assert.True(changed.Count == 0, $"run 'bicep format' on: {string.Join(", ", changed)}");
    }

    private static bool Quiet(string output) => string.IsNullOrWhiteSpace(output);
}
