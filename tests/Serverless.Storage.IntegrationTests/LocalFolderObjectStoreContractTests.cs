using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Storage.IntegrationTests;

public sealed class LocalFolderObjectStoreContractTests : ObjectStoreContractTests
{
    private readonly TempDirectory folder = new("storage-contract");

    public override Task DisposeAsync()
    {
        folder.Dispose();
        return Task.CompletedTask;
    }

    protected override Task<IObjectStore> CreateStoreAsync() => Task.FromResult<IObjectStore>(new LocalFolderObjectStore(folder.Path));
}
