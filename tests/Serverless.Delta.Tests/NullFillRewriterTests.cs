using Serverless.Delta.Actions;
using Serverless.Delta.Compaction;
using Serverless.Delta.Merge;
using Serverless.Delta.Scanning;
using Serverless.Delta.Schema;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Delta.Tests;

/// <summary>Rewriting files with a column's nulls filled, on real tables in a local folder.</summary>
public sealed class NullFillRewriterTests
{
    private static readonly MergeOptions Keyed = new(["id"], "_cdc_position") { KeepTombstones = false };

    [Fact]
    public async Task AnAddedColumnIsFilledInTheRowsBelowTheBoundWithDeletedRowsDroppedInOneCommit()
    {
        using var dir = new TempDirectory();
        var table = await DeltaTable.CreateAsync(new TableLocation(new LocalFolderObjectStore(dir.Path)), CompactionTests.KeyedTable());
        var writer = new MergeWriter(table, Keyed);
        await writer.MergeAsync([.. Enumerable.Range(0, 10).Select(id => CompactionTests.Upsert(id, 1))], "w", 1);
        await writer.MergeAsync([.. Enumerable.Range(10, 10).Select(id => CompactionTests.Upsert(id, 5))], "w", 2);
        await writer.MergeAsync([CompactionTests.Delete(3, 2), CompactionTests.Delete(12, 6)], "w", 3);
        Assert.Contains(table.Snapshot.Files, f => f.DeletionVector is not null);

        // The column is added; rows below position 5 get 7, the ones at or above it keep their null.
        var change = SchemaEvolution.AddColumn(table.Snapshot, new StructField("qty", PrimitiveType.Integer));
        var evolved = SchemaEvolution.Preview(table.Snapshot, change);
        var fill = new NullFill(new Dictionary<string, object> { ["qty"] = 7 }) { BelowColumn = "_cdc_position", BelowValue = 5L };
        var candidates = NullFillRewriter.Candidates(evolved, fill);
        Assert.Single(candidates); // the second file's rows are all at position 5: statistics rule it out
        var rewrites = new List<NullFillRewrite>();
        foreach (var file in candidates)
        {
            rewrites.Add(await NullFillRewriter.RewriteAsync(evolved, file, fill));
        }

        var tx = table.BeginTransaction("ADD COLUMNS").UpdateMetadata(change.Metadata);
        NullFillRewriter.Stage(tx, rewrites);
        await table.CommitAsync(tx);

        var rewrite = Assert.Single(rewrites);
        Assert.Equal((10L, 9L, 9L), (rewrite.RowsRead, rewrite.RowsWritten, rewrite.RowsFilled));
        Assert.True(rewrite.Output!.DataChange);
        Assert.Null(rewrite.Output.DeletionVector);
        Assert.Contains("\"nullCount\"", rewrite.Output.Stats, StringComparison.Ordinal);
        var rows = new SortedDictionary<long, object?>();
        await foreach (var row in new DeltaScan(table.Snapshot).Select("id", "qty").ReadRowsAsync())
        {
            rows.Add((long)row[0]!, row[1]);
        }

        Assert.Equal(18, rows.Count);
        Assert.DoesNotContain(3L, rows.Keys);
        Assert.All(rows.Where(r => r.Key < 10), r => Assert.Equal(7, r.Value));
        Assert.All(rows.Where(r => r.Key >= 10), r => Assert.Null(r.Value));
        var commit = await table.Log.ReadCommitAsync(table.Snapshot.Version);
        Assert.Single(commit.OfType<MetadataAction>());
        Assert.Equal(1, commit.OfType<RemoveFile>().Count(r => r.DeletionVector is not null));
    }

    [Fact]
    public async Task FilesWithoutANullInTheColumnAreNotCandidatesAndAbandonedOutputsAreDeleted()
    {
        using var dir = new TempDirectory();
        var table = await DeltaTable.CreateAsync(new TableLocation(new LocalFolderObjectStore(dir.Path)), CompactionTests.KeyedTable());
        var writer = new MergeWriter(table, Keyed);
        await writer.MergeAsync([.. Enumerable.Range(1, 6).Select(id => CompactionTests.Upsert(id, 1))], "w", 1); // id 7 would be the null amount
        await writer.MergeAsync([.. Enumerable.Range(7, 3).Select(id => CompactionTests.Upsert(id, 1))], "w", 2);

        var fill = new NullFill(new Dictionary<string, object> { ["amount"] = 0m });
        var candidate = Assert.Single(NullFillRewriter.Candidates(table.Snapshot, fill));
        var rewrite = await NullFillRewriter.RewriteAsync(table.Snapshot, candidate, fill);
        Assert.Equal(1, rewrite.RowsFilled);
        Assert.True(File.Exists(Path.Combine(dir.Path, rewrite.Output!.Path)));

        await NullFillRewriter.AbandonAsync(table.Location, [rewrite]);

        Assert.False(File.Exists(Path.Combine(dir.Path, rewrite.Output.Path)));
    }
}
