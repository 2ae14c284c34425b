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

    [Fact]
    public async Task SameLengthRewritesWithinOneKernelClockTickStillGetDistinctETags()
    {
        // On tmpfs a write costs microseconds, so many rewrites land within one tick of the kernel's coarse file clock;
        // the local ETag (modification time and length) must still change with every conditional rewrite, or a writer
        // holding an old version could win.
        using var memory = new TempDirectory("storage-etag", Directory.Exists("/dev/shm") ? "/dev/shm" : null);
        var store = new LocalFolderObjectStore(memory.Path);
        var etags = new HashSet<string>();
        var current = await store.PutAsync("state.txt", "0000"u8.ToArray());
        etags.Add(current.ETag!);
        for (var i = 1; i <= 200; i++)
        {
            current = await store.PutIfMatchAsync("state.txt", System.Text.Encoding.UTF8.GetBytes(i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)), current.ETag!);
            Assert.True(etags.Add(current.ETag!), $"rewrite {i} got the ETag {current.ETag} of an earlier version");
        }
    }
}
