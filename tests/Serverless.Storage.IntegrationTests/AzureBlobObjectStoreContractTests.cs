namespace Serverless.Storage.IntegrationTests;

public sealed class AzureBlobObjectStoreContractTests : ObjectStoreContractTests
{
    private BlobStorageScope? scope;

    public override async Task DisposeAsync()
    {
        if (scope is not null)
        {
            await scope.DisposeAsync();
        }
    }

    protected override async Task<IObjectStore> CreateStoreAsync()
    {
        scope = await BlobStorageScope.CreateAsync(listPageSize: 5);
        return scope.Store;
    }
}
