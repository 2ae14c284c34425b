using System.Security.Cryptography;
using System.Text;

namespace Serverless.Storage.IntegrationTests;

/// <summary>
/// The behaviour every object store adapter must share; one derived class per adapter runs it against a real store.
/// </summary>
public abstract class ObjectStoreContractTests : IAsyncLifetime
{
    private IObjectStore? store;

    protected IObjectStore Store => store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    public async Task InitializeAsync() => store = await CreateStoreAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    /// <summary>An empty store of the adapter under test, configured to list in pages of at most 5 objects where paging exists.</summary>
    protected abstract Task<IObjectStore> CreateStoreAsync();

    [Fact]
    public async Task SixteenConcurrentConditionalCreatesYieldExactlyOneWinnerWhoseContentIsStored()
    {
        const string path = "_delta_log/00000000000000000000.json";
        using var start = new ManualResetEventSlim(false);
        var attempts = Enumerable.Range(0, 16).Select(writer => Task.Run(async () =>
        {
            start.Wait();
            try
            {
                var info = await Store.PutIfAbsentAsync(path, Encoding.UTF8.GetBytes($"{{\"writer\":{writer}}}"));
                return (Writer: writer, Info: (ObjectInfo?)info);
            }
            catch (ObjectAlreadyExistsException e)
            {
                Assert.Equal(path, e.ObjectPath);
                return (Writer: writer, Info: null);
            }
        })).ToArray();
        start.Set();
        var outcomes = await Task.WhenAll(attempts);

        var winner = Assert.Single(outcomes, o => o.Info is not null);
        Assert.Equal($"{{\"writer\":{winner.Writer}}}", Encoding.UTF8.GetString(await Store.GetAsync(path)));
        Assert.Equal(winner.Info!.Size, (await Store.HeadAsync(path))!.Size);
        Assert.Equal([path], await PathsAsync(string.Empty));
    }

    [Fact]
    public async Task PutIfMatchReplacesOnlyTheVersionItWasGivenAndNeverAMissingObject()
    {
        const string path = "leases/capture.json";
        var first = await Store.PutAsync(path, "v1"u8.ToArray());
        Assert.NotNull(first.ETag);
        var second = await Store.PutIfMatchAsync(path, "v2"u8.ToArray(), first.ETag);
        Assert.NotNull(second.ETag);
        Assert.NotEqual(first.ETag, second.ETag);
        Assert.Equal(second.ETag, (await Store.HeadAsync(path))!.ETag);

        // A writer still holding the first version loses, with the object and the version it expected named.
        var stale = await Assert.ThrowsAsync<ObjectChangedException>(() => Store.PutIfMatchAsync(path, "v3"u8.ToArray(), first.ETag));
        Assert.Equal(path, stale.ObjectPath);
        Assert.Equal(first.ETag, stale.ExpectedETag);
        Assert.Equal("v2", Encoding.UTF8.GetString(await Store.GetAsync(path)));

        await Store.DeleteAsync(path);
        await Assert.ThrowsAsync<ObjectChangedException>(() => Store.PutIfMatchAsync(path, "v4"u8.ToArray(), second.ETag));
        Assert.Null(await Store.HeadAsync(path));
    }

    [Fact]
    public async Task EightWritersIncrementingOneCounterByReadAndPutIfMatchLoseNoIncrement()
    {
        // Every writer reads the counter, adds one and writes it back only if it is still the version it read; a lost
        // race re-reads. Same-length values written within one clock tick must still get distinct versions.
        const string path = "state/counter.txt";
        const int writers = 8, increments = 25;
        await Store.PutAsync(path, "0000"u8.ToArray());
        using var start = new ManualResetEventSlim(false);
        var lost = 0;
        var tasks = Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            for (var done = 0; done < increments;)
            {
                var head = (await Store.HeadAsync(path))!;
                var value = int.Parse(Encoding.UTF8.GetString(await Store.GetAsync(path)), System.Globalization.CultureInfo.InvariantCulture);
                try
                {
                    await Store.PutIfMatchAsync(path, Encoding.UTF8.GetBytes((value + 1).ToString("D4", System.Globalization.CultureInfo.InvariantCulture)), head.ETag!);
                    done++;
                }
                catch (ObjectChangedException)
                {
                    Interlocked.Increment(ref lost);
                }
            }
        })).ToArray();
        start.Set();
        await Task.WhenAll(tasks);

        Assert.Equal((writers * increments).ToString("D4", System.Globalization.CultureInfo.InvariantCulture), Encoding.UTF8.GetString(await Store.GetAsync(path)));
        Assert.Equal([path], await PathsAsync(string.Empty));
    }

    [Fact]
    public async Task PutReplacesAnExistingObjectWhilePutIfAbsentRefusesTo()
    {
        var first = await Store.PutAsync("tables/t1/state.json", "one"u8.ToArray());
        var second = await Store.PutAsync("tables/t1/state.json", "second version"u8.ToArray());
        await Assert.ThrowsAsync<ObjectAlreadyExistsException>(() => Store.PutIfAbsentAsync("tables/t1/state.json", "third"u8.ToArray()));

        Assert.Equal("second version", Encoding.UTF8.GetString(await Store.GetAsync("tables/t1/state.json")));
        Assert.Equal(14, second.Size);
        var head = await Store.HeadAsync("tables/t1/state.json");
        Assert.Equal(14, head!.Size);
        Assert.NotEqual(first.ETag, head.ETag);
    }

    [Fact]
    public async Task RangedReadsAtStartMiddleEndAndBeyondTheEndReturnTheRightBytes()
    {
        var content = RandomNumberGenerator.GetBytes(10_000);
        await Store.PutAsync("data/part-00000.parquet", content);

        Assert.Equal(content[..4], await Store.GetRangeAsync("data/part-00000.parquet", 0, 4));
        Assert.Equal(content[4321..5321], await Store.GetRangeAsync("data/part-00000.parquet", 4321, 1000));
        Assert.Equal(content[9992..], await Store.GetRangeAsync("data/part-00000.parquet", 9992, 8));
        Assert.Equal(content[9992..], await Store.GetRangeAsync("data/part-00000.parquet", 9992, 500));
        Assert.Empty(await Store.GetRangeAsync("data/part-00000.parquet", 10_000, 10));
        Assert.Empty(await Store.GetRangeAsync("data/part-00000.parquet", 20_000, 10));
        Assert.Empty(await Store.GetRangeAsync("data/part-00000.parquet", 5, 0));
        Assert.Equal(content, await Store.GetAsync("data/part-00000.parquet"));
    }

    [Fact]
    public async Task AMissingObjectHasNoHeadAndReadingItNamesThePath()
    {
        Assert.Null(await Store.HeadAsync("nothing/here.json"));
        var whole = await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.GetAsync("nothing/here.json"));
        Assert.Equal("nothing/here.json", whole.ObjectPath);
        Assert.Contains("nothing/here.json", whole.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.GetRangeAsync("nothing/here.json", 0, 10));
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.GetRangeAsync("nothing/here.json", 0, 0));
    }

    [Fact]
    public async Task ListingPagesThroughManyObjectsInOrdinalOrderAndHonoursThePrefix()
    {
        var commits = Enumerable.Range(0, 13).Select(v => $"_delta_log/{v:D20}.json").ToList();
        string[] others = ["_delta_log/_last_checkpoint", "_delta_log/00000000000000000010.checkpoint.parquet", "part-1.parquet", "a/b/c.parquet", "_delta_log.txt"];
        await Task.WhenAll(commits.Concat(others).Select(p => Store.PutAsync(p, Encoding.UTF8.GetBytes(p))));

        var all = await ListAsync(string.Empty);
        Assert.Equal(commits.Concat(others).Order(StringComparer.Ordinal), all.Select(o => o.Path));
        Assert.All(all, o => Assert.Equal(Encoding.UTF8.GetByteCount(o.Path), o.Size));
        Assert.All(all, o => Assert.True(o.LastModified > DateTimeOffset.UtcNow.AddHours(-1)));

        var log = await PathsAsync("_delta_log/0000");
        Assert.Equal(commits.Append("_delta_log/00000000000000000010.checkpoint.parquet").Order(StringComparer.Ordinal), log);
        Assert.Equal(["a/b/c.parquet"], await PathsAsync("a/"));
        Assert.Empty(await PathsAsync("zzz"));
    }

    [Fact]
    public async Task DeletingIsIdempotentAndRemovesTheObjectFromListings()
    {
        await Store.PutAsync("x/one", new byte[] { 1 });
        await Store.PutAsync("x/two", new byte[] { 2 });
        await Store.DeleteAsync("x/one");
        await Store.DeleteAsync("x/one");
        await Store.DeleteAsync("never/existed");

        Assert.Null(await Store.HeadAsync("x/one"));
        Assert.Equal(["x/two"], await PathsAsync("x/"));
    }

    [Fact]
    public async Task AThirteenMebibyteStreamedUploadRoundTripsByteExact()
    {
        var content = new byte[13 * 1024 * 1024 + 12345];
        new Random(42).NextBytes(content);
        var stream = await Store.OpenWriteAsync("data/big.parquet", overwrite: false);
        await using (stream)
        {
            var offset = 0;
            var chunk = 1;
            while (offset < content.Length)
            {
                // Uneven writes so block boundaries fall inside writes.
                var n = Math.Min(content.Length - offset, 100_003 * chunk);
                if (chunk % 2 == 0)
                {
                    await stream.WriteAsync(content.AsMemory(offset, n));
                }
                else
                {
                    stream.Write(content, offset, n);
                }

                offset += n;
                chunk++;
            }

            Assert.Null(await Store.HeadAsync("data/big.parquet"));
            Assert.Equal(content.Length, stream.BytesWritten);
            var info = await stream.CompleteAsync();
            Assert.Equal(content.Length, info.Size);
        }

        Assert.Equal(content.Length, (await Store.HeadAsync("data/big.parquet"))!.Size);
        Assert.Equal(SHA256.HashData(content), SHA256.HashData(await Store.GetAsync("data/big.parquet")));
        Assert.Equal(content[(7 * 1024 * 1024 - 10)..(7 * 1024 * 1024 + 10)], await Store.GetRangeAsync("data/big.parquet", 7 * 1024 * 1024 - 10, 20));
    }

    [Fact]
    public async Task AnAbandonedUploadLeavesNothingVisible()
    {
        var small = await Store.OpenWriteAsync("data/small.parquet");
        await small.WriteAsync(new byte[1000]);
        await small.DisposeAsync();

        var large = await Store.OpenWriteAsync("data/large.parquet");
        var block = new byte[1024 * 1024];
        for (var i = 0; i < 9; i++)
        {
            await large.WriteAsync(block);
        }

        large.Dispose();

        Assert.Null(await Store.HeadAsync("data/small.parquet"));
        Assert.Null(await Store.HeadAsync("data/large.parquet"));
        Assert.Empty(await PathsAsync(string.Empty));
    }

    [Fact]
    public async Task AStreamedCreateWithOverwriteOffLosesToAnObjectThatAppearedMeanwhile()
    {
        var small = await Store.OpenWriteAsync("_delta_log/00000000000000000001.json", overwrite: false);
        await small.WriteAsync("late"u8.ToArray());
        await Store.PutIfAbsentAsync("_delta_log/00000000000000000001.json", "early"u8.ToArray());
        await Assert.ThrowsAsync<ObjectAlreadyExistsException>(() => small.CompleteAsync());
        await small.DisposeAsync();

        var large = await Store.OpenWriteAsync("data/contested.bin", overwrite: false);
        await large.WriteAsync(new byte[5 * 1024 * 1024]);
        await Store.PutAsync("data/contested.bin", "winner"u8.ToArray());
        await Assert.ThrowsAsync<ObjectAlreadyExistsException>(() => large.CompleteAsync());
        await large.DisposeAsync();

        Assert.Equal("early", Encoding.UTF8.GetString(await Store.GetAsync("_delta_log/00000000000000000001.json")));
        Assert.Equal("winner", Encoding.UTF8.GetString(await Store.GetAsync("data/contested.bin")));
    }

    [Fact]
    public async Task PathsThatLeaveTheStoreAreRejectedBeforeAnyRequest()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync("../escape", new byte[] { 1 }));
        Assert.Contains("'..'", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => Store.GetAsync("/absolute"));
        Assert.Empty(await PathsAsync(string.Empty));
    }

    protected async Task<List<ObjectInfo>> ListAsync(string prefix)
    {
        var list = new List<ObjectInfo>();
        await foreach (var item in Store.ListAsync(prefix))
        {
            list.Add(item);
        }

        return list;
    }

    protected async Task<List<string>> PathsAsync(string prefix) => (await ListAsync(prefix)).Select(o => o.Path).ToList();
}
