using Serverless.Delta.Actions;
using Serverless.Delta.Compaction;
using Serverless.Delta.Schema;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Delta.Tests;

/// <summary>What the compactor chooses to rewrite, over tables whose add actions describe files by size and statistics alone.</summary>
public sealed class CompactionPlannerTests
{
    private static readonly CompactionOptions Small = new() { TargetFileSize = 1000, SmallFileThreshold = 750, MinInputFiles = 2 };

    private static AddFile File(string name, long size, long rows = 100, long deleted = 0, string? partition = null) => new(
        name,
        partition is null ? new Dictionary<string, string?>() : new Dictionary<string, string?> { ["p"] = partition },
        size,
        0,
        true,
        $"{{\"numRecords\":{rows}}}",
        DeletionVector: deleted == 0 ? null : new DeletionVectorDescriptor("i", "dv-" + name, null, 10, deleted));

    private static async Task<Log.Snapshot> TableOfAsync(TempDirectory dir, IEnumerable<AddFile> files, bool partitioned = false)
    {
        var definition = new TableDefinition([new StructField("id", PrimitiveType.Long, false), new StructField("p", PrimitiveType.String)])
        {
            PartitionColumns = partitioned ? ["p"] : [],
        };
        var table = await DeltaTable.CreateAsync(new TableLocation(new LocalFolderObjectStore(dir.Path)), definition);
        var tx = table.BeginTransaction();
        foreach (var f in files)
        {
            var key = table.Snapshot.Schema.FindField("p")!.PhysicalName;
            tx.Add(partitioned ? f with { PartitionValues = new Dictionary<string, string?> { [key] = f.PartitionValues["p"] } } : f);
        }

        return (await table.CommitAsync(tx)).Snapshot;
    }

    [Fact]
    public async Task SmallFilesArePackedInSizeOrderIntoBinsOfAtMostTheTargetAndLargeFilesAreLeftAlone()
    {
        using var dir = new TempDirectory();
        var files = Enumerable.Range(1, 8).Select(i => File($"s{i}.parquet", 100)).Append(File("m.parquet", 600)).Append(File("big.parquet", 900));
        var plan = CompactionPlanner.Plan(await TableOfAsync(dir, files), Small);

        // 8 x 100 bytes fill the first bin; the 600-byte file would pass the target, and alone it is not worth a rewrite.
        var bin = Assert.Single(plan.Bins);
        Assert.Equal(Enumerable.Range(1, 8).Select(i => $"s{i}.parquet"), bin.Files.Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.Equal(800, bin.Bytes);
        Assert.Equal(10, plan.Backlog.LiveFiles);
        Assert.Equal(9, plan.Backlog.SmallFiles);
        Assert.Equal(1400, plan.Backlog.SmallFileBytes);
        Assert.Equal(8, plan.Backlog.PlannedFiles);
    }

    [Fact]
    public async Task ThirtySmallFilesBecomeBinsThatEachStayUnderTheTarget()
    {
        using var dir = new TempDirectory();
        var plan = CompactionPlanner.Plan(await TableOfAsync(dir, Enumerable.Range(1, 30).Select(i => File($"c{i:D2}.parquet", 300))), Small);

        // Three 300-byte files fit a 1000-byte target: 10 bins of 3.
        Assert.Equal(10, plan.Bins.Count);
        Assert.All(plan.Bins, b => Assert.Equal(3, b.Files.Count));
        Assert.All(plan.Bins, b => Assert.True(b.Bytes <= Small.TargetFileSize));
        Assert.Equal(30, plan.Bins.SelectMany(b => b.Files).Select(f => f.Path).Distinct().Count());
    }

    [Fact]
    public async Task FewerSmallFilesThanMinInputFilesWaitAndShowAsBacklog()
    {
        using var dir = new TempDirectory();
        var plan = CompactionPlanner.Plan(await TableOfAsync(dir, Enumerable.Range(1, 4).Select(i => File($"s{i}.parquet", 100))), Small with { MinInputFiles = 5 });
        Assert.Empty(plan.Bins);
        Assert.Equal(4, plan.Backlog.SmallFiles);
        Assert.Equal(0, plan.Backlog.PlannedFiles);
    }

    [Fact]
    public async Task AFileWithManyDeletedRowsIsRewrittenAloneEvenWhenLargeAndAFewDeletedRowsAreNot()
    {
        using var dir = new TempDirectory();
        var heavy = File("heavy.parquet", 5000, rows: 100, deleted: 10);
        var light = File("light.parquet", 5000, rows: 100, deleted: 1);
        var plan = CompactionPlanner.Plan(await TableOfAsync(dir, [heavy, light]), Small);

        var bin = Assert.Single(plan.Bins);
        Assert.Equal("heavy.parquet", Assert.Single(bin.Files).Path);
        Assert.Equal(10, bin.DeletedRows);
        Assert.Equal(1, plan.Backlog.DeletionVectorHeavyFiles);
        Assert.Equal(11, plan.Backlog.DeletedRows);
    }

    [Fact]
    public async Task BinsNeverMixPartitions()
    {
        using var dir = new TempDirectory();
        var files = new[] { "a", "b" }.SelectMany(p => Enumerable.Range(1, 3).Select(i => File($"p={p}/f{i}.parquet", 100, partition: p)));
        var plan = CompactionPlanner.Plan(await TableOfAsync(dir, files, partitioned: true), Small);

        Assert.Equal(2, plan.Bins.Count);
        foreach (var bin in plan.Bins)
        {
            Assert.Equal(3, bin.Files.Count);
            Assert.Single(bin.Files.Select(f => f.PartitionValues.Values.Single()).Distinct());
        }
    }

    [Theory]
    [InlineData(nameof(CompactionOptions.TargetFileSize))]
    [InlineData(nameof(CompactionOptions.SmallFileThreshold))]
    [InlineData(nameof(CompactionOptions.MinInputFiles))]
    [InlineData(nameof(CompactionOptions.DeletedRowRatioThreshold))]
    public void AnOptionThatCannotWorkIsRefusedByName(string option)
    {
        var bad = option switch
        {
            nameof(CompactionOptions.TargetFileSize) => new CompactionOptions { TargetFileSize = 0 },
            nameof(CompactionOptions.SmallFileThreshold) => new CompactionOptions { TargetFileSize = 100, SmallFileThreshold = 200 },
            nameof(CompactionOptions.MinInputFiles) => new CompactionOptions { MinInputFiles = 1 },
            _ => new CompactionOptions { DeletedRowRatioThreshold = 0 },
        };
        var e = Assert.Throws<ArgumentOutOfRangeException>(bad.Validate);
        Assert.Contains("CompactionOptions." + option, e.Message, StringComparison.Ordinal);
    }
}
