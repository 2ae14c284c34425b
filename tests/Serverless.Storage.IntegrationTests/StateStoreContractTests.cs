using Serverless.Storage.State;

namespace Serverless.Storage.IntegrationTests;

/// <summary>The behaviour every state store adapter must share; one derived class per adapter.</summary>
public abstract class StateStoreContractTests : IAsyncLifetime
{
    private IStateStore? store;

    protected IStateStore Store => store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    public async Task InitializeAsync() => store = await CreateStoreAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    /// <summary>An empty store, configured to page listings by at most 5 entities where paging exists.</summary>
    protected abstract Task<IStateStore> CreateStoreAsync();

    [Fact]
    public async Task InsertCreatesOnceAndASecondInsertConflicts()
    {
        var created = await Store.InsertAsync("jobs", "job-1", """{"phase":"start"}""");
        var conflict = await Assert.ThrowsAsync<StateConflictException>(() => Store.InsertAsync("jobs", "job-1", """{"phase":"other"}"""));
        Assert.Equal("job-1", conflict.RowKey);

        var read = await Store.GetAsync("jobs", "job-1");
        Assert.Equal("""{"phase":"start"}""", read!.Json);
        Assert.Equal(created.ETag, read.ETag);
        Assert.Null(await Store.GetAsync("jobs", "job-2"));
        Assert.Null(await Store.GetAsync("other", "job-1"));
    }

    [Fact]
    public async Task ReplaceSucceedsOnlyAgainstTheCurrentETag()
    {
        var first = await Store.UpsertAsync("jobs", "j", "1");
        var second = await Store.ReplaceAsync("jobs", "j", "2", first.ETag);
        Assert.NotEqual(first.ETag, second.ETag);

        await Assert.ThrowsAsync<StateConflictException>(() => Store.ReplaceAsync("jobs", "j", "stale", first.ETag));
        await Assert.ThrowsAsync<StateConflictException>(() => Store.ReplaceAsync("jobs", "missing", "x", first.ETag));
        var current = await Store.GetAsync("jobs", "j");
        Assert.Equal("2", current!.Json);
        Assert.Equal(second.ETag, current.ETag);
    }

    [Fact]
    public async Task ConcurrentReadModifyWriteLoopsLoseNoIncrement()
    {
        await Store.InsertAsync("counters", "c", "0");
        const int writers = 6;
        const int incrementsEach = 5;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < incrementsEach; i++)
            {
                while (true)
                {
                    var current = await Store.GetAsync("counters", "c");
                    try
                    {
                        await Store.ReplaceAsync("counters", "c", (int.Parse(current!.Json, System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), current.ETag);
                        break;
                    }
                    catch (StateConflictException)
                    {
                    }
                }
            }
        })));

        Assert.Equal((writers * incrementsEach).ToString(System.Globalization.CultureInfo.InvariantCulture), (await Store.GetAsync("counters", "c"))!.Json);
    }

    [Fact]
    public async Task ListingReturnsOnlyThePartitionInRowKeyOrderAcrossPages()
    {
        var rows = Enumerable.Range(0, 12).Select(i => $"chunk-{i:D4}").ToList();
        await Task.WhenAll(rows.Select(r => Store.UpsertAsync("job-1|orders", r, $$"""{"row":"{{r}}"}""")));
        await Store.UpsertAsync("job-1|customers", "chunk-0000", "{}");
        await Store.UpsertAsync("job-1|orders-archive", "chunk-0000", "{}");

        var listed = new List<StateEntity>();
        await foreach (var entity in Store.ListAsync("job-1|orders"))
        {
            listed.Add(entity);
        }

        Assert.Equal(rows, listed.Select(e => e.RowKey));
        Assert.All(listed, e => Assert.Equal($$"""{"row":"{{e.RowKey}}"}""", e.Json));
        Assert.All(listed, e => Assert.False(string.IsNullOrEmpty(e.ETag)));
        await foreach (var _ in Store.ListAsync("nobody"))
        {
            Assert.Fail("an empty partition listed an entity");
        }
    }

    [Fact]
    public async Task DeleteHonoursTheETagAndReportsWhetherTheEntityExisted()
    {
        var first = await Store.UpsertAsync("p", "r", "1");
        await Store.UpsertAsync("p", "r", "2");
        await Assert.ThrowsAsync<StateConflictException>(() => Store.DeleteAsync("p", "r", first.ETag));
        Assert.True(await Store.DeleteAsync("p", "r"));
        Assert.False(await Store.DeleteAsync("p", "r"));
        Assert.Null(await Store.GetAsync("p", "r"));
    }

    [Fact]
    public async Task KeysWithQuotesAndNonAsciiCharactersAndJsonTextRoundTripExactly()
    {
        const string json = "{\"name\":\"O'Brien — Ünïcode\",\n\"lines\":[1,2]}";
        await Store.InsertAsync("tenant's db", "tábla:orders 1", json);

        var read = await Store.GetAsync("tenant's db", "tábla:orders 1");
        Assert.Equal(json, read!.Json);
        Assert.Equal("tenant's db", read.PartitionKey);
        Assert.Equal("tábla:orders 1", read.RowKey);
        await foreach (var entity in Store.ListAsync("tenant's db"))
        {
            Assert.Equal("tábla:orders 1", entity.RowKey);
        }
    }

    [Fact]
    public async Task KeysTheBackendsCannotHoldAreRejectedWithTheReason()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.UpsertAsync("a/b", "r", "{}"));
        Assert.Contains("'/'", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => Store.UpsertAsync("p", "r", new string('x', 40_000)));
    }
}
