using Serverless.Storage.State;
using Serverless.Testing;

namespace Serverless.Storage.IntegrationTests;

public sealed class LocalFolderStateStoreContractTests : StateStoreContractTests
{
    private readonly TempDirectory folder = new("state-contract");

    public override Task DisposeAsync()
    {
        folder.Dispose();
        return Task.CompletedTask;
    }

    protected override Task<IStateStore> CreateStoreAsync() => Task.FromResult<IStateStore>(new LocalFolderStateStore(folder.Path));
}
