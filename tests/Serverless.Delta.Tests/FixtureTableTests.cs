using System.Globalization;
using Serverless.Delta.Log;
using Serverless.Delta.Scanning;
using Serverless.Delta.Schema;
using Serverless.Parquet;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Delta.Tests;

/// <summary>Tables written by Spark and delta-rs read to exactly the rows their producers expect.</summary>
public sealed class FixtureTableTests
{
    [Theory]
    [MemberData(nameof(DeltaFixtureCases.DatTableVersions), MemberType = typeof(DeltaFixtureCases))]
    public async Task DatTableReadsToTheExpectedRowsAtEachVersion(string table, string expected)
    {
        var location = new TableLocation(new LocalFolderObjectStore(Path.Combine(RepoPaths.DeltaFixtures, table, "delta")));
        var log = new DeltaLog(location);
        var snapshot = await log.LoadAsync(expected == "latest" ? null : long.Parse(expected[1..], CultureInfo.InvariantCulture));

        using var reader = ParquetReader.Open(Path.Combine(RepoPaths.DeltaFixtures, table, "expected", expected, "table_content.parquet"));
        var names = reader.Schema.Columns.Select(c => c.Name).ToArray();
        var types = names.Select(n => snapshot.Schema.FindField(n)!.Type).ToArray();
        var want = reader.ReadRows().Select(r => Canonical(r.Select((v, i) => DeltaValues.FromParquet(v, types[i])).ToArray())).Order(StringComparer.Ordinal).ToList();

        var got = new List<string>();
        await foreach (var row in new DeltaScan(snapshot).Select(names).ReadRowsAsync())
        {
            got.Add(Canonical(row));
        }

        got.Sort(StringComparer.Ordinal);
        Assert.Equal(want, got);
    }

    [Fact]
    public async Task DeletionVectorHidesRowsZeroAndNineOfTheDeltaRsTable()
    {
        var snapshot = await new DeltaLog(new TableLocation(new LocalFolderObjectStore(Path.Combine(RepoPaths.DeltaFixtures, "rs-table-with-dv-small")))).LoadAsync();
        var values = new List<int>();
        await foreach (var row in new DeltaScan(snapshot).ReadRowsAsync())
        {
            values.Add((int)row[0]!);
        }

        Assert.Equal(Enumerable.Range(1, 8), values.Order());
        var before = await new DeltaLog(snapshot.Table).LoadAsync(0);
        var all = new List<int>();
        await foreach (var row in new DeltaScan(before).ReadRowsAsync())
        {
            all.Add((int)row[0]!);
        }

        Assert.Equal(Enumerable.Range(0, 10), all.Order());
    }

    [Fact]
    public async Task StatsPruningSkipsFilesOutsideTheKeyRange()
    {
        var snapshot = await new DeltaLog(new TableLocation(new LocalFolderObjectStore(Path.Combine(RepoPaths.DeltaFixtures, "dat-basic_append", "delta")))).LoadAsync();
        Assert.Equal(2, new DeltaScan(snapshot).PlanFiles().Count);
        var pruned = new DeltaScan(snapshot).WhereBetween("number", 4L, 5L).PlanFiles();
        var file = Assert.Single(pruned);
        Assert.Contains("\"number\":4", file.Stats, StringComparison.Ordinal);
        Assert.Empty(new DeltaScan(snapshot).WhereBetween("number", 100L, null).PlanFiles());
    }

    [Fact]
    public async Task PartitionPruningUsesPartitionValues()
    {
        var snapshot = await new DeltaLog(new TableLocation(new LocalFolderObjectStore(Path.Combine(RepoPaths.DeltaFixtures, "dat-basic_partitioned", "delta")))).LoadAsync();
        var files = new DeltaScan(snapshot).WhereBetween("letter", "a", "a").PlanFiles();
        Assert.Equal(2, files.Count);
        Assert.All(files, f => Assert.Equal("a", f.PartitionValues["letter"]));
    }

    [Fact]
    public async Task MissingDataFileIsNamedWithTheVersionThatReferencesIt()
    {
        using var dir = LogReplayTests.CopyFixture("dat-basic_append/delta");
        var snapshot = await new DeltaLog(new TableLocation(new LocalFolderObjectStore(dir.Path))).LoadAsync();
        var victim = snapshot.Files.First();
        File.Delete(Path.Combine(dir.Path, victim.Path));
        var e = await Assert.ThrowsAsync<DeltaException>(async () =>
        {
            await foreach (var unused in new DeltaScan(snapshot).ReadRowsAsync())
            {
            }
        });
        Assert.Contains(victim.Path, e.Message, StringComparison.Ordinal);
        Assert.Contains("version 1", e.Message, StringComparison.Ordinal);
    }

    internal static string Canonical(object?[] row) => string.Join("|", row.Select(CanonicalValue));

    internal static string CanonicalValue(object? v) => v switch
    {
        null => "∅",
        byte[] b => "0x" + Convert.ToHexString(b),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        decimal m => (m / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture),
        DateTime dt => dt.Ticks.ToString(CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? string.Empty,
    };
}
