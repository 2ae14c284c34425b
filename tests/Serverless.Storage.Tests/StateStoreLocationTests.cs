using Serverless.Storage.AzureStorage;
using Serverless.Storage.State;
using Serverless.Testing;

namespace Serverless.Storage.Tests;

public sealed class StateStoreLocationTests
{
    [Fact]
    public async Task AFolderPathOpensALocalStateStoreThatKeepsEntities()
    {
        using var folder = new TempDirectory("state-location");
        var store = Assert.IsType<LocalFolderStateStore>(StateStoreLocation.Open(Path.Combine(folder.Path, "state")));
        await store.UpsertAsync("jobs", "j1", "{}");
        var reopened = StateStoreLocation.Open(new Uri(Path.Combine(folder.Path, "state")).AbsoluteUri);
        Assert.Equal("{}", (await reopened.GetAsync("jobs", "j1"))!.Json);
    }

    [Fact]
    public void ATableUrlOpensATableStoreAndAConnectionStringNeedsATableName()
    {
        var byUrl = Assert.IsType<AzureTableStateStore>(StateStoreLocation.Open(
            "https://acct.table.core.windows.net/jobstate", new global::Azure.Identity.ManagedIdentityCredential(global::Azure.Identity.ManagedIdentityId.SystemAssigned)));
        Assert.Equal("https://acct.table.core.windows.net/jobstate", byUrl.Location);

        var error = Assert.Throws<FormatException>(() => StateStoreLocation.Open("UseDevelopmentStorage=true"));
        Assert.Contains("Table=", error.Message, StringComparison.Ordinal);
        var dev = Assert.IsType<AzureTableStateStore>(StateStoreLocation.Open("UseDevelopmentStorage=true;Table=jobstate"));
        Assert.Equal("http://127.0.0.1:10002/devstoreaccount1/jobstate", dev.Location);
    }
}
