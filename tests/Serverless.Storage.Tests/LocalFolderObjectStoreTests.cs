using System.Text;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Storage.Tests;

public sealed class LocalFolderObjectStoreTests : IDisposable
{
    private readonly TempDirectory folder = new("storage-local");
    private readonly LocalFolderObjectStore store;

    public LocalFolderObjectStoreTests()
    {
        store = new LocalFolderObjectStore(folder.Path);
    }

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task SixteenConcurrentCreatorsOfOnePathYieldExactlyOneWinnerWhoseContentIsStored()
    {
        for (var round = 0; round < 5; round++)
        {
            var path = $"_delta_log/{round:D20}.json";
            using var start = new ManualResetEventSlim(false);
            var attempts = Enumerable.Range(0, 16).Select(writer => Task.Run(async () =>
            {
                start.Wait();
                try
                {
                    await store.PutIfAbsentAsync(path, Encoding.UTF8.GetBytes($"writer {writer} " + new string('x', writer * 1000)));
                    return writer;
                }
                catch (ObjectAlreadyExistsException)
                {
                    return -1;
                }
            })).ToArray();
            start.Set();
            var outcomes = await Task.WhenAll(attempts);

            var winners = outcomes.Where(o => o >= 0).ToArray();
            Assert.Single(winners);
            var stored = Encoding.UTF8.GetString(await store.GetAsync(path));
            Assert.Equal($"writer {winners[0]} " + new string('x', winners[0] * 1000), stored);
        }

        Assert.Empty(Directory.GetFiles(Path.Combine(folder.Path, "_delta_log"), ObjectPaths.StagingFilePrefix + "*"));
    }

    [Fact]
    public async Task ReadersNeverSeeAHalfWrittenObjectWhileItIsReplaced()
    {
        var versionA = Enumerable.Repeat((byte)'a', 1 << 20).ToArray();
        var versionB = Enumerable.Repeat((byte)'b', 1 << 20).ToArray();
        await store.PutAsync("data/part.bin", versionA);

        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                await store.PutAsync("data/part.bin", i % 2 == 0 ? versionB : versionA);
            }
        });
        var reads = 0;
        while (!writer.IsCompleted)
        {
            var seen = await store.GetAsync("data/part.bin");
            Assert.Equal(1 << 20, seen.Length);
            Assert.True(seen.AsSpan().IndexOfAnyExcept(seen[0]) < 0, "an object mixed two versions");
            reads++;
        }

        await writer;
        Assert.True(reads > 0);
    }

    [Fact]
    public async Task RangedReadsReturnExactlyTheRequestedBytesAndFewerAtTheEnd()
    {
        var content = Enumerable.Range(0, 1000).Select(i => (byte)(i % 251)).ToArray();
        await store.PutAsync("r/obj", content);

        Assert.Equal(content[..10], await store.GetRangeAsync("r/obj", 0, 10));
        Assert.Equal(content[500..600], await store.GetRangeAsync("r/obj", 500, 100));
        Assert.Equal(content[990..], await store.GetRangeAsync("r/obj", 990, 100));
        Assert.Empty(await store.GetRangeAsync("r/obj", 1000, 5));
        Assert.Empty(await store.GetRangeAsync("r/obj", 5000, 5));
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.GetRangeAsync("r/missing", 0, 1));
    }

    [Fact]
    public async Task ListingIsRecursiveInOrdinalPathOrderAndMatchesPartialNamePrefixes()
    {
        string[] paths = ["b/x", "a.txt", "a/b/c", "a/b.json", "a/a", "_delta_log/00000000000000000010.json",
            "_delta_log/00000000000000000002.json", "_delta_log/_last_checkpoint", "A", "a-b"];
        foreach (var p in paths)
        {
            await store.PutAsync(p, Encoding.UTF8.GetBytes(p));
        }

        var all = await ToListAsync(store.ListAsync(string.Empty));
        Assert.Equal(paths.Order(StringComparer.Ordinal).ToArray(), all.Select(o => o.Path).ToArray());
        Assert.All(all, o => Assert.Equal(o.Path.Length, o.Size));

        var commits = await ToListAsync(store.ListAsync("_delta_log/0000"));
        Assert.Equal(["_delta_log/00000000000000000002.json", "_delta_log/00000000000000000010.json"], commits.Select(o => o.Path));

        var underA = await ToListAsync(store.ListAsync("a/"));
        Assert.Equal(["a/a", "a/b.json", "a/b/c"], underA.Select(o => o.Path));

        var startingWithA = await ToListAsync(store.ListAsync("a"));
        Assert.Equal(["a-b", "a.txt", "a/a", "a/b.json", "a/b/c"], startingWithA.Select(o => o.Path));

        Assert.Empty(await ToListAsync(store.ListAsync("nothing/here")));
    }

    [Fact]
    public async Task AnAbandonedWriteStreamLeavesNothingBehind()
    {
        var stream = await store.OpenWriteAsync("abandoned/part-0.parquet");
        await stream.WriteAsync(new byte[100_000]);
        await stream.DisposeAsync();

        var syncDisposed = await store.OpenWriteAsync("abandoned/part-1.parquet");
        syncDisposed.Write(new byte[10], 0, 10);
        syncDisposed.Dispose();

        Assert.Null(await store.HeadAsync("abandoned/part-0.parquet"));
        Assert.Null(await store.HeadAsync("abandoned/part-1.parquet"));
        Assert.Empty(await ToListAsync(store.ListAsync(string.Empty)));
        Assert.Empty(Directory.GetFiles(Path.Combine(folder.Path, "abandoned")));
    }

    [Fact]
    public async Task ACompletedWriteStreamPublishesTheObjectAndHonoursOverwriteOff()
    {
        var stream = await store.OpenWriteAsync("w/obj", overwrite: false);
        await stream.WriteAsync(Encoding.UTF8.GetBytes("first "));
        stream.Write(Encoding.UTF8.GetBytes("second"));
        Assert.Null(await store.HeadAsync("w/obj"));
        var info = await stream.CompleteAsync();
        await stream.DisposeAsync();

        Assert.Equal(12, info.Size);
        Assert.Equal("first second", Encoding.UTF8.GetString(await store.GetAsync("w/obj")));

        var second = await store.OpenWriteAsync("w/obj", overwrite: false);
        await second.WriteAsync(Encoding.UTF8.GetBytes("loser"));
        await Assert.ThrowsAsync<ObjectAlreadyExistsException>(() => second.CompleteAsync());
        await second.DisposeAsync();
        Assert.Equal("first second", Encoding.UTF8.GetString(await store.GetAsync("w/obj")));
        Assert.Single(Directory.GetFiles(Path.Combine(folder.Path, "w")));
    }

    [Fact]
    public async Task StagingFilesLeftByACrashedWriterAreNeverListed()
    {
        await store.PutAsync("t/visible", new byte[] { 1 });
        await File.WriteAllBytesAsync(Path.Combine(folder.Path, "t", ObjectPaths.StagingFilePrefix + "deadbeef"), [2, 3]);

        var listed = await ToListAsync(store.ListAsync("t/"));
        Assert.Equal(["t/visible"], listed.Select(o => o.Path));
    }

    [Theory]
    [InlineData("../outside", "'..' segment")]
    [InlineData("a/../../etc/passwd", "'..' segment")]
    [InlineData("/etc/passwd", "absolute")]
    [InlineData("a//b", "empty segment")]
    [InlineData("a\\b", "separate folders with '/'")]
    [InlineData("folder/", "ends with '/'")]
    [InlineData("./x", "'.' segment")]
    [InlineData("a/.~staging-1", "reserved")]
    public async Task PathsThatNavigateOrAreAbsoluteAreRejectedWithAnExplanation(string path, string explanation)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync(path, new byte[] { 1 }));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(explanation, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.GetFullPath(Path.Combine(folder.Path, "..", "outside"))));
    }

    [Fact]
    public async Task HeadDescribesAnObjectAndItsVersionChangesWhenReplaced()
    {
        Assert.Null(await store.HeadAsync("h/obj"));
        var first = await store.PutAsync("h/obj", new byte[7]);
        var head = await store.HeadAsync("h/obj");
        Assert.NotNull(head);
        Assert.Equal(7, head.Size);
        Assert.Equal(first.ETag, head.ETag);

        await store.PutAsync("h/obj", new byte[9]);
        var replaced = await store.HeadAsync("h/obj");
        Assert.Equal(9, replaced!.Size);
        Assert.NotEqual(first.ETag, replaced.ETag);

        await store.DeleteAsync("h/obj");
        await store.DeleteAsync("h/obj");
        await store.DeleteAsync("never/existed/obj");
        Assert.Null(await store.HeadAsync("h/obj"));
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.GetAsync("h/obj"));
    }

    private static async Task<List<ObjectInfo>> ToListAsync(IAsyncEnumerable<ObjectInfo> source)
    {
        var list = new List<ObjectInfo>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
