using Serverless.Storage.AzureStorage;
using Serverless.Testing;

namespace Serverless.Storage.IntegrationTests;

/// <summary>A uniquely named container in Azurite for one test, deleted with everything in it on dispose.</summary>
internal sealed class BlobStorageScope : IAsyncDisposable
{
    private BlobStorageScope(Uri containerUri, AzureBlobObjectStore store)
    {
        ContainerUri = containerUri;
        Store = store;
    }

    public Uri ContainerUri { get; }

    public AzureBlobObjectStore Store { get; }

    public static async Task<BlobStorageScope> CreateAsync(int listPageSize = 5)
    {
        await LocalDependencies.EnsureAzuriteAsync();
        var containerUri = new Uri($"{LocalDependencies.AzuriteBlobEndpoint}/test-{Guid.NewGuid():N}");
        var store = OpenStore(containerUri, string.Empty, listPageSize);
        Assert.True(await store.CreateContainerAsync());
        return new BlobStorageScope(containerUri, store);
    }

    public static AzureBlobObjectStore OpenStore(Uri containerUri, string prefix, int listPageSize = 5, string? accountKey = null) =>
        AzureBlobObjectStore.WithAccountKey(
            containerUri,
            LocalDependencies.AzuriteAccount.Name,
            accountKey ?? LocalDependencies.AzuriteAccount.Key,
            prefix,
            new AzureBlobObjectStoreOptions { ListPageSize = listPageSize });

    public async ValueTask DisposeAsync() => await Store.DeleteContainerAsync();
}
