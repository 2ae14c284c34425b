using Serverless.Storage.AzureStorage;
using Serverless.Storage.State;
using Serverless.Testing;

namespace Serverless.Storage.IntegrationTests;

/// <summary>Behaviour specific to the Table adapter, against Azurite.</summary>
public sealed class AzureTableStateStoreTests
{
    [Fact]
    public async Task AWrongAccountKeyFailsWithAnAuthenticationErrorThatSaysToCheckTheKey()
    {
        await LocalDependencies.EnsureAzuriteAsync();
        var store = AzureTableStateStore.WithAccountKey(
            LocalDependencies.AzuriteTableEndpoint, "jobs", LocalDependencies.AzuriteAccount.Name, Convert.ToBase64String(new byte[64]));

        var error = await Assert.ThrowsAsync<StorageRequestException>(() => store.GetAsync("p", "r"));
        Assert.Equal(403, error.Status);
        Assert.Contains("account key", error.Message, StringComparison.Ordinal);
        Assert.Contains("(p, r)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreatingAnExistingTableReportsItAndDeletingItTwiceIsHarmless()
    {
        await LocalDependencies.EnsureAzuriteAsync();
        var store = AzureTableStateStore.WithAccountKey(
            LocalDependencies.AzuriteTableEndpoint, $"t{Guid.NewGuid():N}", LocalDependencies.AzuriteAccount.Name, LocalDependencies.AzuriteAccount.Key);

        Assert.True(await store.CreateTableAsync());
        Assert.False(await store.CreateTableAsync());
        await store.UpsertAsync("p", "r", "{}");
        Assert.True(await store.DeleteTableAsync());
        Assert.False(await store.DeleteTableAsync());
    }

    [Fact]
    public async Task AMissingTableFailsWithAnErrorThatSaysToCreateItWhileAMissingEntityIsJustAbsent()
    {
        await LocalDependencies.EnsureAzuriteAsync();
        var store = AzureTableStateStore.WithAccountKey(
            LocalDependencies.AzuriteTableEndpoint, $"t{Guid.NewGuid():N}", LocalDependencies.AzuriteAccount.Name, LocalDependencies.AzuriteAccount.Key);

        var read = await Assert.ThrowsAsync<StorageRequestException>(() => store.GetAsync("p", "r"));
        Assert.Equal("TableNotFound", read.ErrorCode);
        Assert.Contains("create it", read.Message, StringComparison.Ordinal);
        var delete = await Assert.ThrowsAsync<StorageRequestException>(() => store.DeleteAsync("p", "r"));
        Assert.Equal("TableNotFound", delete.ErrorCode);

        Assert.True(await store.CreateTableAsync());
        try
        {
            Assert.Null(await store.GetAsync("p", "r"));
            Assert.False(await store.DeleteAsync("p", "r"));
        }
        finally
        {
            await store.DeleteTableAsync();
        }
    }

    [Fact]
    public async Task AConnectionStringWithATableOpensTheTableStore()
    {
        await LocalDependencies.EnsureAzuriteAsync();
        var name = $"t{Guid.NewGuid():N}";
        var (account, key) = LocalDependencies.AzuriteAccount;
        var location = $"DefaultEndpointsProtocol=http;AccountName={account};AccountKey={key};TableEndpoint={LocalDependencies.AzuriteTableEndpoint};Table={name}";

        var store = Assert.IsType<AzureTableStateStore>(StateStoreLocation.Open(location));
        Assert.True(await store.CreateTableAsync());
        try
        {
            var written = await store.InsertAsync("jobs", "j1", "{\"phase\":\"snapshot\"}");
            var direct = AzureTableStateStore.WithAccountKey(LocalDependencies.AzuriteTableEndpoint, name, account, key);
            var read = await direct.GetAsync("jobs", "j1");
            Assert.Equal("{\"phase\":\"snapshot\"}", read!.Json);
            Assert.Equal(written.ETag, read.ETag);
        }
        finally
        {
            await store.DeleteTableAsync();
        }
    }

    [Fact]
    public void AnInvalidTableNameIsRejectedWithTheRule()
    {
        var error = Assert.Throws<ArgumentException>(() => AzureTableStateStore.WithAccountKey(
            LocalDependencies.AzuriteTableEndpoint, "job-state", "a", Convert.ToBase64String(new byte[8])));
        Assert.Contains("letters and digits", error.Message, StringComparison.Ordinal);
    }
}
