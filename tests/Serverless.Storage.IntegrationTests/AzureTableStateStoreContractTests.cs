using Serverless.Storage.AzureStorage;
using Serverless.Storage.State;
using Serverless.Testing;

namespace Serverless.Storage.IntegrationTests;

/// <summary>The state-store contract against Azurite's table endpoint, one uniquely named table per test.</summary>
public sealed class AzureTableStateStoreContractTests : StateStoreContractTests
{
    private AzureTableStateStore? table;

    public override async Task DisposeAsync()
    {
        if (table is not null)
        {
            await table.DeleteTableAsync();
        }
    }

    protected override async Task<IStateStore> CreateStoreAsync()
    {
        await LocalDependencies.EnsureAzuriteAsync();
        table = AzureTableStateStore.WithAccountKey(
            LocalDependencies.AzuriteTableEndpoint,
            $"t{Guid.NewGuid():N}",
            LocalDependencies.AzuriteAccount.Name,
            LocalDependencies.AzuriteAccount.Key,
            new AzureTableStateStoreOptions { PageSize = 5 });
        Assert.True(await table.CreateTableAsync());
        return table;
    }
}
