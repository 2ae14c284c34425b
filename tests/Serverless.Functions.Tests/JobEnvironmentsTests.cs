using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Cdc.JobCatalog;
using Serverless.Cdc.Jobs;
using Serverless.Functions.Durable;
using Serverless.Orchestrations.Activities;
using Serverless.Storage.State;
using Serverless.Testing;

namespace Serverless.Functions.Tests;

/// <summary>How StartJob's activity functions find their job: its environment built from the spec the job API stored.</summary>
public sealed class JobEnvironmentsTests : IDisposable
{
    private readonly TempDirectory folder = new("serverless-functions-environments");
    private readonly LocalFolderStateStore state;
    private readonly JobSpecCatalog catalog;
    private readonly JobEnvironments environments;

    public JobEnvironmentsTests()
    {
        state = new LocalFolderStateStore(folder.File("state"));
        catalog = new JobSpecCatalog(state);
        environments = new JobEnvironments(catalog, state, NullLoggerFactory.Instance);
        File.WriteAllText(folder.File("password"), "s3cret-from-a-mounted-secret");
    }

    [Fact]
    public async Task AnActivityOfAJobWithNoStoredSpecFailsPermanentlyWithTheCallsThatRecreateIt()
    {
        var failure = await Assert.ThrowsAsync<JobSpecException>(() => environments.GetAsync("ghost", CancellationToken.None));

        Assert.Contains("PUT /api/jobs/ghost", failure.Message, StringComparison.Ordinal);
        Assert.True(FailureClassification.IsPermanent(failure));
    }

    [Fact]
    public async Task TheEnvironmentIsBuiltFromTheStoredSpecWithItsSecretResolvedAndKeptUntilTheSpecIsReplaced()
    {
        await catalog.PutAsync("shop", SpecWithPort(3306));

        var first = await environments.GetAsync("shop", CancellationToken.None);
        var again = await environments.GetAsync("shop", CancellationToken.None);
        Assert.Same(first, again);
        Assert.Equal("shop", first.JobName);
        Assert.Equal("s3cret-from-a-mounted-secret", first.Source.Password);
        Assert.Equal("https://lakeacct.blob.core.windows.net/lake/shop", first.Lake.Location.TrimEnd('/'));

        await catalog.PutAsync("shop", SpecWithPort(3307));
        var replaced = await environments.GetAsync("shop", CancellationToken.None);

        Assert.NotSame(first, replaced);
        Assert.Equal(3307, replaced.Spec.Source.Port);
    }

    public void Dispose() => folder.Dispose();

    private string SpecWithPort(int port) => JobApiHarness.Spec("shop")
        .Replace("env:CDC_SOURCE_PASSWORD", "file:" + folder.File("password"), StringComparison.Ordinal)
        .Replace("3306", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
}
