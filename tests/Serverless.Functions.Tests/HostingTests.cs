using System.Net;
using Azure.Data.Tables;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Cdc.Hosting;
using Serverless.Cdc.JobCatalog;
using Serverless.Orchestrations.JobApi;
using Serverless.Storage.State;
using Serverless.Testing;

namespace Serverless.Functions.Tests;

/// <summary>AddServerlessCdc, the registration the function app's Program.cs makes, over the app settings it reads.</summary>
public sealed class HostingTests
{
    [Fact]
    public void TheWorkersContainerBuildsTheFunctionsOverTheStateStoreTheAppSettingNames()
    {
        using var folder = new TempDirectory("serverless-functions-worker");
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection([new KeyValuePair<string, string?>(AppSettingNames.StateTableUrl, folder.Path)]);

        using var host = FunctionAppServices.Configure(builder).Build();

        Assert.Equal(folder.Path, host.Services.GetRequiredService<IStateStore>().Location);
        Assert.NotNull(ActivatorUtilities.CreateInstance<JobApiFunctions>(host.Services));
    }

    [Fact]
    public void MissingStateSettingFailsTheFirstUseNamingTheSettingAndItsValues()
    {
        using var services = new ServiceCollection().AddLogging().AddServerlessCdc(ServerlessCdcOptions.FromAppSettings(_ => null)).BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<JobApiService>());

        Assert.Contains(AppSettingNames.StateTableUrl, error.Message, StringComparison.Ordinal);
        Assert.Contains("https://<account>.table.core.windows.net/<table>", error.Message, StringComparison.Ordinal);
        Assert.Contains("UseDevelopmentStorage=true;Table=", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StateSettingThatIsNoLocationFailsNamingTheSetting()
    {
        using var services = new ServiceCollection().AddServerlessCdc(new ServerlessCdcOptions { StateLocation = "ftp://state.example/jobs" }).BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<IStateStore>());

        Assert.StartsWith($"The app setting {AppSettingNames.StateTableUrl} ('ftp://state.example/jobs') is not a state location", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StateStoreTheHostOpenedIsTheOneEveryServiceUses()
    {
        using var folder = new TempDirectory("serverless-functions-hosting");
        var state = new LocalFolderStateStore(folder.Path);
        using var services = new ServiceCollection().AddLogging().AddServerlessCdc(new ServerlessCdcOptions { StateStore = state, StateLocation = "ftp://ignored" }).BuildServiceProvider();

        Assert.Same(state, services.GetRequiredService<IStateStore>());
        Assert.Equal(state.Location, services.GetRequiredService<JobSpecCatalog>().Location);
        Assert.NotNull(services.GetRequiredService<JobApiService>());
    }

    [Fact]
    public async Task MissingStateTableAnswersAServerErrorThatSaysToCreateIt()
    {
        await LocalDependencies.EnsureAzuriteAsync();
        var table = "functionsMissing" + Guid.NewGuid().ToString("N")[..8];
        using var services = new ServiceCollection().AddServerlessCdc(new ServerlessCdcOptions { StateLocation = AzuriteTable(table) }).BuildServiceProvider();
        await using var host = await DurableTaskTestHost.StartAsync(_ => { }, new DurableTaskTestHostOptions { Port = LoopbackPorts.Free() });

        var answer = await services.GetRequiredService<JobApiService>().ListAsync(host.Client);

        Assert.Equal(HttpStatusCode.InternalServerError, answer.Status);
        var error = Assert.IsType<JobApiError>(answer.Body);
        Assert.Contains("The table does not exist: create it first", error.Error, StringComparison.Ordinal);
        Assert.Contains(AppSettingNames.StateTableUrl, error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CatalogKeepsSpecsInTheAzureTableTheSettingNamesOnAzurite()
    {
        await LocalDependencies.EnsureAzuriteAsync();
        var table = "functionsTests" + Guid.NewGuid().ToString("N")[..8];
        var location = AzuriteTable(table);
        using var services = new ServiceCollection().AddServerlessCdc(ServerlessCdcOptions.FromAppSettings(name => name == AppSettingNames.StateTableUrl ? location : null)).BuildServiceProvider();
        var catalog = services.GetRequiredService<JobSpecCatalog>();

        // infra/ creates the table on Azure; here the test does.
        await new TableClient(location.Replace($";Table={table}", string.Empty, StringComparison.Ordinal), table).CreateAsync();

        var (stored, created) = await catalog.PutAsync("shop", JobApiHarness.Spec("shop"));
        var read = await catalog.GetAsync("shop");
        var (_, createdAgain) = await catalog.PutAsync("shop", JobApiHarness.Spec("shop", parallelism: 2));
        var listed = await catalog.ListAsync().Select(s => s.Name).ToListAsync();
        var deleted = await catalog.DeleteAsync("shop");

        Assert.True(created);
        Assert.False(createdAgain);
        Assert.Equal(stored.Json, read!.Json);
        Assert.DoesNotContain("comments are allowed", read.Json, StringComparison.Ordinal);
        Assert.Equal("env:CDC_SOURCE_PASSWORD", read.Spec.Source.Password.ToString());
        Assert.Equal(["shop"], listed);
        Assert.True(deleted);
        Assert.Null(await catalog.GetAsync("shop"));
    }

    private static string AzuriteTable(string table)
    {
        var (account, key) = LocalDependencies.AzuriteAccount;
        return $"DefaultEndpointsProtocol=http;AccountName={account};AccountKey={key};TableEndpoint={LocalDependencies.AzuriteTableEndpoint};Table={table}";
    }
}
