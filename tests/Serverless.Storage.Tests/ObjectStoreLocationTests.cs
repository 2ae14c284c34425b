using Serverless.Storage.AzureStorage;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Storage.Tests;

public sealed class ObjectStoreLocationTests
{
    [Fact]
    public async Task AFolderPathAndAFileUriOpenALocalFolderStoreWhoseFolderAppearsOnTheFirstWrite()
    {
        using var folder = new TempDirectory("location");
        var byPath = Assert.IsType<LocalFolderObjectStore>(ObjectStoreLocation.Open(Path.Combine(folder.Path, "lake")));
        var byUri = Assert.IsType<LocalFolderObjectStore>(ObjectStoreLocation.Open(new Uri(Path.Combine(folder.Path, "lake2")).AbsoluteUri));
        Assert.Equal(Path.Combine(folder.Path, "lake"), byPath.RootPath);
        Assert.Equal(Path.Combine(folder.Path, "lake2"), byUri.RootPath);

        // Opening must not create the folder (a mistyped path would leave an empty folder behind); the first write does.
        Assert.False(Directory.Exists(byUri.RootPath));
        Assert.Empty(await ToListAsync(byUri.ListAsync(string.Empty)));
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => byUri.GetAsync("x.json"));
        Assert.False(Directory.Exists(byUri.RootPath));
        await byUri.PutIfAbsentAsync("x.json", new byte[] { 1 });
        Assert.True(Directory.Exists(byUri.RootPath));
    }

    private static async Task<List<ObjectInfo>> ToListAsync(IAsyncEnumerable<ObjectInfo> items)
    {
        var list = new List<ObjectInfo>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }

    [Fact]
    public void AnAccountBlobUrlOpensAContainerRootedAtThePrefix()
    {
        var store = Assert.IsType<AzureBlobObjectStore>(ObjectStoreLocation.Open(
            "https://acct.blob.core.windows.net/lake/sales/orders", new global::Azure.Identity.ManagedIdentityCredential(global::Azure.Identity.ManagedIdentityId.SystemAssigned)));
        Assert.Equal("https://acct.blob.core.windows.net/lake/sales/orders", store.Location);
        Assert.Equal("https://acct.blob.core.windows.net/lake/sales/orders/x%20y.json", store.Blob("x y.json").Uri.AbsoluteUri);
    }

    [Fact]
    public void PathStyleUrlsCarryTheAccountBeforeTheContainer()
    {
        var (container, prefix) = ObjectStoreLocation.SplitContainerUrl(new Uri("http://127.0.0.1:10000/devstoreaccount1/lake/a/b"));
        Assert.Equal("http://127.0.0.1:10000/devstoreaccount1/lake", container.AbsoluteUri);
        Assert.Equal("a/b", prefix);
    }

    [Fact]
    public void DevelopmentStorageNeedsAContainerAndSaysHowToAddIt()
    {
        var error = Assert.Throws<FormatException>(() => ObjectStoreLocation.Open("UseDevelopmentStorage=true"));
        Assert.Contains("Container=", error.Message, StringComparison.Ordinal);

        var store = Assert.IsType<AzureBlobObjectStore>(ObjectStoreLocation.Open("UseDevelopmentStorage=true;Container=lake;Prefix=/jobs/"));
        Assert.Equal("http://127.0.0.1:10000/devstoreaccount1/lake/jobs", store.Location);
    }

    [Fact]
    public void AnAccountConnectionStringBuildsTheEndpointsFromTheSuffix()
    {
        var parsed = AzureStorageConnectionString.Parse("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;EndpointSuffix=core.chinacloudapi.cn");
        Assert.Equal(new Uri("https://acct.blob.core.chinacloudapi.cn"), parsed.BlobEndpoint);
        Assert.Equal(new Uri("https://acct.table.core.chinacloudapi.cn"), parsed.TableEndpoint);
        Assert.Equal("a2V5", parsed.AccountKey);
        Assert.DoesNotContain("a2V5", parsed.ToString(), StringComparison.Ordinal);

        var noKey = Assert.Throws<FormatException>(() => AzureStorageConnectionString.Parse("AccountName=acct"));
        Assert.Contains("AccountKey", noKey.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAccountKeyThatIsNotBase64IsRefusedBeforeAnyRequest()
    {
        var blob = Assert.Throws<ArgumentException>(() => ObjectStoreLocation.Open("AccountName=acct;AccountKey=not-base64!;Container=lake"));
        Assert.Contains("account key for storage account 'acct' is not valid base64", blob.Message, StringComparison.Ordinal);
        var table = Assert.Throws<ArgumentException>(() => State.StateStoreLocation.Open("AccountName=acct;AccountKey=not-base64!;Table=jobs"));
        Assert.Contains("copy it again", table.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PlainHttpWithTokensAndUnknownSchemesAreRefusedWithTheAlternatives()
    {
        Assert.Contains("https", Assert.Throws<ArgumentException>(() => ObjectStoreLocation.Open("http://acct.blob.core.windows.net/lake")).Message, StringComparison.Ordinal);
        Assert.Contains("connection string", Assert.Throws<ArgumentException>(() => ObjectStoreLocation.Open("s3://bucket/x")).Message, StringComparison.Ordinal);
    }
}
