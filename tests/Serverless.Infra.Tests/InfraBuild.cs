using System.Text.Json;
using Serverless.Testing;

namespace Serverless.Infra.Tests;

/// <summary>
/// Lints, compiles and snapshots infra/main.bicep once for all tests. A snapshot is bicep's offline evaluation of the
/// template for one set of parameters: every resource it would deploy, with names, ids, conditions and most
/// properties resolved, so tests can check what a deployment with those parameters creates.
/// </summary>
public sealed class InfraBuild : IAsyncLifetime
{
    public const string SubscriptionId = "00000000-0000-0000-0000-0000000000aa";
    public const string TenantId = "00000000-0000-0000-0000-0000000000bb";
    public const string SourcePassword = "pw-only-in-key-vault-7f3c";
    public const string AuthClientId = "11111111-2222-3333-4444-555555555555";

    private readonly TempDirectory _work = new("serverless-infra");

    public static string InfraFolder => Path.Combine(RepoPaths.Root, "infra");

    public ProcessRunner.Result Lint { get; private set; } = null!;

    public ProcessRunner.Result Build { get; private set; } = null!;

    /// <summary>The compiled ARM template (bicep build).</summary>
    public ArmTemplate Template { get; private set; } = null!;

    /// <summary>Only the required parameters: no VNet integration, no Easy Auth.</summary>
    public DeploymentSnapshot Defaults { get; private set; } = null!;

    /// <summary>Every option on: VNet integration into an existing network in another group, Easy Auth.</summary>
    public DeploymentSnapshot AllOptions { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Lint = await BicepCli.RunAsync(InfraFolder, "lint", "main.bicep");
        Build = await BicepCli.RunAsync(InfraFolder, "build", "main.bicep", "--stdout");
        Template = Build.ExitCode == 0 ? new ArmTemplate(JsonDocument.Parse(Build.StandardOutput).RootElement.Clone()) : null!;

        // bicepparam files must name the template by a relative path, so the snapshots run on a copy of infra/.
        var copy = Path.Combine(_work.Path, "infra");
        CopyInfraTo(copy);
        Defaults = await SnapshotAsync(copy, "defaults", """
            param mysqlHost = 'shop-db.example.internal'
            """);
        AllOptions = await SnapshotAsync(copy, "all-options", $"""
            param mysqlHost = '10.20.0.4'
            param vnetName = 'vnet-shop'
            param vnetResourceGroupName = 'rg-network'
            param integrationSubnetPrefix = '10.20.8.0/26'
            param authClientId = '{AuthClientId}'
            """);
    }

    public Task DisposeAsync()
    {
        _work.Dispose();
        return Task.CompletedTask;
    }

    private static async Task<DeploymentSnapshot> SnapshotAsync(string folder, string name, string parameters)
    {
        var file = Path.Combine(folder, name + ".bicepparam");
        await File.WriteAllTextAsync(file, $"""
            using 'main.bicep'
            param environmentName = 'cdc-{name}'
            param location = 'swedencentral'
            param mysqlPassword = '{SourcePassword}'
            {parameters}
            """);
        var result = await BicepCli.RunAsync(
            folder, "snapshot", name + ".bicepparam", "--mode", "overwrite",
            "--subscription-id", SubscriptionId, "--tenant-id", TenantId, "--location", "swedencentral");
        var output = Path.Combine(folder, name + ".snapshot.json");
        if (result.ExitCode != 0 || !File.Exists(output))
        {
            throw new InvalidOperationException(
                $"bicep snapshot of {name}.bicepparam failed (exit {result.ExitCode}):\n{result.StandardOutput}{result.StandardError}");
        }

        return new DeploymentSnapshot(JsonDocument.Parse(await File.ReadAllTextAsync(output)).RootElement.Clone(), result);
    }

    /// <summary>Copies infra/ (templates, modules, bicepconfig.json) into <paramref name="destination"/>.</summary>
    public static void CopyInfraTo(string destination)
    {
        foreach (var file in Directory.GetFiles(InfraFolder, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(destination, Path.GetRelativePath(InfraFolder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class InfraCollection : ICollectionFixture<InfraBuild>
{
    public const string Name = "infra";
}
