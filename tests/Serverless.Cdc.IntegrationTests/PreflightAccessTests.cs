using Serverless.Cdc.Preflight;
using Serverless.MySql.Client;
using Serverless.Storage;
using Serverless.Storage.AzureStorage;
using Serverless.Storage.Local;

namespace Serverless.Cdc.IntegrationTests;

/// <summary>
/// What preflight reports when it cannot use the source or write the target, against the real peers: MariaDB refusing a
/// login or not listening, a lake folder under a regular file or made immutable, Azurite with a wrong key or no container.
/// </summary>
public sealed class PreflightAccessTests
{
    [Fact]
    public async Task WrongPasswordIsASourceAccessProblemNamingTheUserAndThePasswordSetting()
    {
        var source = SourceDatabase.AdminOptions() with { Password = "not-the-password" };

        var problem = await SourceProblemAsync(source);

        Assert.Equal(PreflightCheck.SourceAccess, problem.Check);
        Assert.Contains($"user {source.User} at {source.Endpoint}", problem.Subject, StringComparison.Ordinal);
        Assert.Contains("Access denied", problem.Problem, StringComparison.Ordinal);
        Assert.Contains("source.password", problem.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownUserIsTheSameSourceAccessProblem()
    {
        var source = SourceDatabase.AdminOptions() with { User = "cdc_it_nobody", Password = "x" };

        var problem = await SourceProblemAsync(source);

        Assert.Equal(PreflightCheck.SourceAccess, problem.Check);
        Assert.Contains("'cdc_it_nobody'", problem.Problem, StringComparison.Ordinal);
        Assert.Contains("source.user", problem.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusedConnectionIsASourceConnectionProblemNotARetry()
    {
        var source = SourceDatabase.AdminOptions() with { Port = LoopbackPorts.Free() };

        var problem = await SourceProblemAsync(source);

        Assert.Equal(PreflightCheck.SourceConnection, problem.Check);
        Assert.Contains("refused", problem.Problem, StringComparison.Ordinal);
        Assert.Contains("source.host and source.port", problem.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownHostIsASourceConnectionProblem()
    {
        // .invalid never resolves (RFC 6761).
        var source = SourceDatabase.AdminOptions() with { Host = "cdc-it-no-such-host.invalid" };

        var problem = await SourceProblemAsync(source);

        Assert.Equal(PreflightCheck.SourceConnection, problem.Check);
        Assert.Contains("does not resolve", problem.Problem, StringComparison.Ordinal);
        Assert.Contains("source.host", problem.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExistingLakeFolderPassesAndKeepsItsContent()
    {
        using var dir = new TempDirectory("cdc-probe-existing");
        await File.WriteAllTextAsync(dir.File("kept.json"), "{}");

        Assert.Null(await StorageProbe.CheckAsync(new LocalFolderObjectStore(dir.Path), ProbedStore.LakeTarget));

        Assert.Equal([dir.File("kept.json")], Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public async Task AWritableLakeFolderPassesAndTheProbeLeavesNothingBehind()
    {
        using var dir = new TempDirectory("cdc-probe-ok");
        var lake = new LocalFolderObjectStore(Path.Combine(dir.Path, "new", "lake"));

        Assert.Null(await StorageProbe.CheckAsync(lake, ProbedStore.LakeTarget));

        // The folders the probe's write created are gone again; the job creates them when it writes.
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public async Task LakeUnderARegularFileIsATargetProblemNamingTheFile()
    {
        using var dir = new TempDirectory("cdc-probe-notdir");
        var file = dir.File("occupied");
        await File.WriteAllTextAsync(file, "a file, not a folder");
        var lake = new LocalFolderObjectStore(Path.Combine(file, "lake"));

        var problem = await StorageProbe.CheckAsync(lake, ProbedStore.LakeTarget);

        Assert.NotNull(problem);
        Assert.Equal(PreflightCheck.LakeTarget, problem.Check);
        Assert.Equal($"cannot write to the lake target {lake.RootPath}: '{file}' is a regular file, not a folder.", problem.Problem);
        Assert.Contains("point target.root elsewhere", problem.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImmutableLakeFolderIsATargetProblemSayingItIsReadOnly()
    {
        await using var immutable = await ImmutableDirectory.CreateAsync("cdc-probe-immutable");
        var lake = new LocalFolderObjectStore(immutable.Path);

        var problem = await StorageProbe.CheckAsync(lake, ProbedStore.LakeTarget);

        Assert.NotNull(problem);
        Assert.Equal($"cannot write to the lake target {immutable.Path}: the folder is read-only (permission denied).", problem.Problem);
        Assert.StartsWith($"make '{immutable.Path}' writable", problem.Fix, StringComparison.Ordinal);
        Assert.EndsWith("or point target.root elsewhere.", problem.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BlobTargetWithAWrongAccountKeyIsATargetProblem()
    {
        var container = await CreateContainerAsync();
        try
        {
            var lake = Blob(container, Convert.ToBase64String(new byte[64]));

            var problem = await StorageProbe.CheckAsync(lake, ProbedStore.LakeTarget);

            Assert.NotNull(problem);
            Assert.Equal(PreflightCheck.LakeTarget, problem.Check);
            Assert.Contains("HTTP 403", problem.Problem, StringComparison.Ordinal);
            Assert.Contains("account key", problem.Fix, StringComparison.Ordinal);
        }
        finally
        {
            await container.DeleteContainerAsync();
        }
    }

    [Fact]
    public async Task BlobTargetWithoutItsContainerIsATargetProblem()
    {
        await LocalDependencies.EnsureAzuriteAsync();
        var lake = ContainerStore($"cdc-it-missing-{Guid.NewGuid():N}", LocalDependencies.AzuriteAccount.Key, "lake");

        var problem = await StorageProbe.CheckAsync(lake, ProbedStore.LakeTarget);

        Assert.NotNull(problem);
        Assert.Contains("HTTP 404 ContainerNotFound", problem.Problem, StringComparison.Ordinal);
        Assert.Contains("create it", problem.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WritableBlobTargetPassesAndTheProbeLeavesNothingUnderThePrefix()
    {
        var container = await CreateContainerAsync();
        try
        {
            var lake = Blob(container, LocalDependencies.AzuriteAccount.Key);

            Assert.Null(await StorageProbe.CheckAsync(lake, ProbedStore.LakeTarget));

            Assert.Empty(await container.ListAsync(string.Empty).ToListAsync());
        }
        finally
        {
            await container.DeleteContainerAsync();
        }
    }

    private static async Task<PreflightProblem> SourceProblemAsync(MySqlConnectionOptions source)
    {
        await LocalDependencies.EnsureMariaDbAsync();
        var failure = await Assert.ThrowsAsync<MySqlException>(async () => await (await MySqlConnection.OpenAsync(source)).DisposeAsync());
        var problem = SourceAccessProblems.From(failure, source);
        Assert.NotNull(problem);
        return problem;
    }

    private static AzureBlobObjectStore ContainerStore(string container, string key, string prefix) => AzureBlobObjectStore.WithAccountKey(
        new Uri($"{LocalDependencies.AzuriteBlobEndpoint}/{container}"), LocalDependencies.AzuriteAccount.Name, key, prefix);

    private static async Task<AzureBlobObjectStore> CreateContainerAsync()
    {
        await LocalDependencies.EnsureAzuriteAsync();
        var store = ContainerStore($"cdc-it-probe-{Guid.NewGuid():N}", LocalDependencies.AzuriteAccount.Key, string.Empty);
        await store.CreateContainerAsync();
        return store;
    }

    /// <summary>The same container as <paramref name="container"/>, under the prefix "lake", signed with <paramref name="key"/>.</summary>
    private static AzureBlobObjectStore Blob(IObjectStore container, string key) =>
        AzureBlobObjectStore.WithAccountKey(new Uri(container.Location), LocalDependencies.AzuriteAccount.Name, key, "lake");
}
