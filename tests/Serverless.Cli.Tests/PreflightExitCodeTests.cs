using System.Text.Json;
using Serverless.Storage.AzureStorage;
using Serverless.Testing;

namespace Serverless.Cli.Tests;

/// <summary>
/// `serverless run` exits 3 (preflight failed) with the problem and its fix for every failure retrying cannot fix at
/// start: a refused login, a lake folder under a regular file or read-only, a Blob lake with a wrong key or no container.
/// </summary>
public sealed class PreflightExitCodeTests : IAsyncLifetime
{
    private SourceDatabase db = null!;

    public async Task InitializeAsync()
    {
        db = await SourceDatabase.CreateAsync("cli_it_preflight");
        await db.Admin.ExecuteAsync("CREATE TABLE t (id INT PRIMARY KEY)");
    }

    public async Task DisposeAsync() => await db.DisposeAsync();

    [Fact]
    public async Task WrongPasswordExitsThreeNamingTheUserAndThePasswordSetting()
    {
        using var dir = new TempDirectory("cli-pf-badpw");

        var run = await RunAsync(dir, Path.Combine(dir.Path, "lake"), password: "not-the-password");

        Assert.True(run.ExitCode == 3, run.Error + run.Out);
        Assert.Contains("problem: [SourceAccess] user serverless at", run.Error, StringComparison.Ordinal);
        Assert.Contains("Fix: check source.user and source.password", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LakeUnderARegularFileExitsThreeNamingTheFile()
    {
        using var dir = new TempDirectory("cli-pf-notdir");
        var file = dir.File("occupied");
        await File.WriteAllTextAsync(file, "a file, not a folder");

        var run = await RunAsync(dir, Path.Combine(file, "lake"));

        Assert.True(run.ExitCode == 3, run.Error + run.Out);
        Assert.Contains($"problem: [LakeTarget] target.root: cannot write to the lake target {Path.Combine(file, "lake")}: '{file}' is a regular file, not a folder.", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadOnlyLakeFolderExitsThreeSayingSo()
    {
        await using var immutable = await ImmutableDirectory.CreateAsync("cli-pf-readonly");
        using var dir = new TempDirectory("cli-pf-readonly-job");

        var run = await RunAsync(dir, immutable.Path);

        Assert.True(run.ExitCode == 3, run.Error + run.Out);
        Assert.Contains($"cannot write to the lake target {immutable.Path}: the folder is read-only (permission denied). Fix: make '{immutable.Path}' writable", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BlobLakeWithAWrongAccountKeyExitsThree()
    {
        var container = await CreateContainerAsync();
        try
        {
            using var dir = new TempDirectory("cli-pf-badkey");

            var run = await RunAsync(dir, ConnectionString(container, Convert.ToBase64String(new byte[64])));

            Assert.True(run.ExitCode == 3, run.Error + run.Out);
            Assert.Contains("problem: [LakeTarget] target.root: cannot write to the lake target", run.Error, StringComparison.Ordinal);
            Assert.Contains("HTTP 403", run.Error, StringComparison.Ordinal);
            Assert.Contains("account key", run.Error, StringComparison.Ordinal);
        }
        finally
        {
            await container.DeleteContainerAsync();
        }
    }

    [Fact]
    public async Task BlobLakeWithoutItsContainerExitsThree()
    {
        await LocalDependencies.EnsureAzuriteAsync();
        using var dir = new TempDirectory("cli-pf-nocontainer");

        var run = await RunAsync(dir, ConnectionString($"cli-it-missing-{Guid.NewGuid():N}", LocalDependencies.AzuriteAccount.Key));

        Assert.True(run.ExitCode == 3, run.Error + run.Out);
        Assert.Contains("HTTP 404 ContainerNotFound", run.Error, StringComparison.Ordinal);
        Assert.Contains("create it", run.Error, StringComparison.Ordinal);
    }

    private static async Task<AzureBlobObjectStore> CreateContainerAsync()
    {
        await LocalDependencies.EnsureAzuriteAsync();
        var (account, key) = LocalDependencies.AzuriteAccount;
        var store = AzureBlobObjectStore.WithAccountKey(new Uri($"{LocalDependencies.AzuriteBlobEndpoint}/cli-it-pf-{Guid.NewGuid():N}"), account, key);
        await store.CreateContainerAsync();
        return store;
    }

    private static string ConnectionString(AzureBlobObjectStore container, string key) => ConnectionString(container.Location.Split('/')[^1], key);

    private static string ConnectionString(string container, string key) =>
        $"DefaultEndpointsProtocol=http;AccountName={LocalDependencies.AzuriteAccount.Name};AccountKey={key};BlobEndpoint={LocalDependencies.AzuriteBlobEndpoint};Container={container};Prefix=lake";

    /// <summary>Runs `serverless run` on a job reading this test's database into <paramref name="lakeRoot"/>, state in the temp folder.</summary>
    private async Task<CliResult> RunAsync(TempDirectory dir, string lakeRoot, string? password = null)
    {
        var job = dir.File("job.json");
        await File.WriteAllTextAsync(job, JsonSerializer.Serialize(new
        {
            name = "cli-preflight",
            source = new
            {
                host = LocalDependencies.MariaDbHost,
                port = LocalDependencies.MariaDbPort,
                user = LocalDependencies.MariaDbAdmin.User,
                password = "literal:" + (password ?? LocalDependencies.MariaDbAdmin.Password),
                tls = "disabled",
            },
            tables = new { include = new[] { db.Name + ".*" } },
            target = new { root = lakeRoot },
        }));
        return await CliRunner.RunAsync("run", "--snapshot-only", "--job", job, "--state", Path.Combine(dir.Path, "state"));
    }
}
