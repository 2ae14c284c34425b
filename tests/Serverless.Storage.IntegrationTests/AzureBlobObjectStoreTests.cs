using System.Text;
using Azure.Storage.Blobs.Models;
using Serverless.Storage.AzureStorage;
using Serverless.Testing;

namespace Serverless.Storage.IntegrationTests;

/// <summary>Behaviour specific to the Blob adapter, against Azurite.</summary>
public sealed class AzureBlobObjectStoreTests
{
    [Fact]
    public async Task AWrongAccountKeyFailsWithAnAuthenticationErrorThatSaysToCheckTheKey()
    {
        await using var scope = await BlobStorageScope.CreateAsync();
        var wrongKey = Convert.ToBase64String(new byte[64]);
        var store = BlobStorageScope.OpenStore(scope.ContainerUri, string.Empty, accountKey: wrongKey);

        var error = await Assert.ThrowsAsync<StorageRequestException>(() => store.PutAsync("a.json", "{}"u8.ToArray()));
        Assert.Equal(403, error.Status);
        Assert.Contains("account key", error.Message, StringComparison.Ordinal);
        Assert.Contains("'a.json'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingContainerFailsWithAnErrorThatSaysToCreateIt()
    {
        await LocalDependencies.EnsureAzuriteAsync();
        var store = BlobStorageScope.OpenStore(new Uri($"{LocalDependencies.AzuriteBlobEndpoint}/missing-{Guid.NewGuid():N}"), string.Empty);

        var error = await Assert.ThrowsAsync<StorageRequestException>(() => store.PutAsync("a.json", "{}"u8.ToArray()));
        Assert.Equal("ContainerNotFound", error.ErrorCode);
        Assert.Contains("create it", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<StorageRequestException>(() => store.HeadAsync("a.json"));
    }

    [Fact]
    public async Task AStoreRootedAtAPrefixSeesOnlyItsOwnObjectsUnderRelativePaths()
    {
        await using var scope = await BlobStorageScope.CreateAsync();
        var lake = BlobStorageScope.OpenStore(scope.ContainerUri, "lakes/sales");
        await lake.PutAsync("orders/_delta_log/00000000000000000000.json", "{}"u8.ToArray());
        await scope.Store.PutAsync("lakes/salesforce/other.json", "{}"u8.ToArray());
        await scope.Store.PutAsync("outside.json", "{}"u8.ToArray());

        var seen = new List<string>();
        await foreach (var item in lake.ListAsync(string.Empty))
        {
            seen.Add(item.Path);
        }

        Assert.Equal(["orders/_delta_log/00000000000000000000.json"], seen);
        Assert.NotNull(await scope.Store.HeadAsync("lakes/sales/orders/_delta_log/00000000000000000000.json"));
        Assert.EndsWith("/lakes/sales", lake.Location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AConnectionStringWithContainerAndPrefixOpensTheBlobStore()
    {
        await using var scope = await BlobStorageScope.CreateAsync();
        var container = scope.ContainerUri.Segments[^1];
        var (account, key) = LocalDependencies.AzuriteAccount;
        var location = $"DefaultEndpointsProtocol=http;AccountName={account};AccountKey={key};BlobEndpoint={LocalDependencies.AzuriteBlobEndpoint};Container={container};Prefix=jobs/j1";

        var store = ObjectStoreLocation.Open(location);
        await store.PutAsync("state.json", "{\"phase\":\"snapshot\"}"u8.ToArray());

        Assert.IsType<AzureBlobObjectStore>(store);
        Assert.Equal("{\"phase\":\"snapshot\"}", Encoding.UTF8.GetString(await scope.Store.GetAsync("jobs/j1/state.json")));
    }

    [Fact]
    public async Task ARetriedConditionalCreateThatFindsItsOwnBlobCountsAsWon()
    {
        await using var scope = await BlobStorageScope.CreateAsync();
        var writerId = Guid.NewGuid().ToString("N");
        await scope.Store.PutIfAbsentAsync("_delta_log/00000000000000000003.json", "mine"u8.ToArray(), writerId, CancellationToken.None);

        // The same writer re-sending (as after a lost answer) is told it won; anyone else lost.
        var again = await scope.Store.PutIfAbsentAsync("_delta_log/00000000000000000003.json", "mine"u8.ToArray(), writerId, CancellationToken.None);
        Assert.Equal(4, again.Size);
        await Assert.ThrowsAsync<ObjectAlreadyExistsException>(
            () => scope.Store.PutIfAbsentAsync("_delta_log/00000000000000000003.json", "other"u8.ToArray(), Guid.NewGuid().ToString("N"), CancellationToken.None));
    }

    [Fact]
    public async Task AStreamedUploadAboveTheBlockSizeIsCommittedAsFullBlocksAndASmallOneAsASingleBlob()
    {
        await using var scope = await BlobStorageScope.CreateAsync();
        var stream = await scope.Store.OpenWriteAsync("big.bin");
        await stream.WriteAsync(new byte[(9 * 1024 * 1024) + 1]);
        await stream.CompleteAsync();
        await stream.DisposeAsync();

        var small = await scope.Store.OpenWriteAsync("small.bin");
        await small.WriteAsync(new byte[1000]);
        await small.CompleteAsync();
        await small.DisposeAsync();

        Assert.Equal([4 * 1024 * 1024, 4 * 1024 * 1024, 1024 * 1024 + 1], await CommittedBlockSizesAsync(scope.Store, "big.bin"));
        Assert.Empty(await CommittedBlockSizesAsync(scope.Store, "small.bin"));
        Assert.Equal(1000, (await scope.Store.HeadAsync("small.bin"))!.Size);
    }

    [Fact]
    public async Task TheETagOfAWriteIsTheOneHeadAndListingsReportUntilTheObjectChanges()
    {
        await using var scope = await BlobStorageScope.CreateAsync();
        var written = await scope.Store.PutAsync("status.json", "{}"u8.ToArray());
        var listed = new List<ObjectInfo>();
        await foreach (var item in scope.Store.ListAsync(string.Empty))
        {
            listed.Add(item);
        }

        Assert.Equal(written.ETag, (await scope.Store.HeadAsync("status.json"))!.ETag);
        Assert.Equal(written.ETag, Assert.Single(listed).ETag);
        var rewritten = await scope.Store.PutAsync("status.json", "{}"u8.ToArray());
        Assert.NotEqual(written.ETag, rewritten.ETag);
        Assert.Equal(rewritten.ETag, (await scope.Store.HeadAsync("status.json"))!.ETag);
    }

    private static async Task<List<long>> CommittedBlockSizesAsync(AzureBlobObjectStore store, string path)
    {
        var blocks = await store.Blob(path).GetBlockListAsync(BlockListTypes.Committed);
        return blocks.Value.CommittedBlocks.Select(b => b.SizeLong).ToList();
    }
}
