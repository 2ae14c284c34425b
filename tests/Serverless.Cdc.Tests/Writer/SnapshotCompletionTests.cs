using Serverless.Cdc.Writer;
using Serverless.Delta;
using Serverless.Delta.Schema;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Cdc.Tests.Writer;

/// <summary>The per-epoch snapshot mark on a real (local folder) Delta table.</summary>
public sealed class SnapshotCompletionTests
{
    [Fact]
    public async Task ATableMarkedBeforeEpochsExistedStaysComplete()
    {
        using var dir = new TempDirectory();
        var table = await CreateAsync(dir);
        Assert.False(SnapshotCompletion.IsComplete(table.Snapshot));

        // What every lake written before epochs holds: the txn at version 1 and no epoch property.
        await table.CommitAsync(table.BeginTransaction("SNAPSHOT COMPLETE").SetAppTransaction(SnapshotCompletion.AppId, 1));
        Assert.Null(table.Snapshot.Metadata.GetConfiguration(SnapshotCompletion.EpochProperty));
        Assert.True(SnapshotCompletion.IsComplete(table.Snapshot));
        Assert.Equal(1, SnapshotCompletion.RequiredEpoch(table.Snapshot));
    }

    [Fact]
    public async Task ARequestHoldsTheTableUntilItIsMarkedAtTheNextEpochAndAskingTwiceIsOneRequest()
    {
        using var dir = new TempDirectory();
        var table = await CreateAsync(dir);
        await SnapshotCompletion.MarkAsync(table);
        Assert.Equal(1, SnapshotCompletion.MarkedEpoch(table.Snapshot));

        Assert.Equal(2, await SnapshotCompletion.RequestAsync(table, "a dropped key column"));
        var requested = table.Snapshot.Version;
        Assert.False(SnapshotCompletion.IsComplete(table.Snapshot));
        Assert.Equal(2, await SnapshotCompletion.RequestAsync(table, "asked again after a restart"));
        Assert.Equal(requested, (await table.RefreshAsync()).Version);

        await SnapshotCompletion.MarkAsync(table);
        Assert.True(SnapshotCompletion.IsComplete(table.Snapshot));
        Assert.Equal(2, SnapshotCompletion.MarkedEpoch(table.Snapshot));
        var marked = table.Snapshot.Version;
        await SnapshotCompletion.MarkAsync(table);
        Assert.Equal(marked, (await table.RefreshAsync()).Version);
    }

    private static Task<DeltaTable> CreateAsync(TempDirectory dir) =>
        DeltaTable.CreateAsync(new TableLocation(new LocalFolderObjectStore(dir.Path)), new TableDefinition([new StructField("id", PrimitiveType.Long, false)]));
}
