using System.Globalization;
using System.Text.Json;
using Serverless.Delta.Actions;
using Serverless.Delta.DataFiles;
using Serverless.Delta.DeletionVectors;
using Serverless.Delta.Log;
using Serverless.Delta.Maintenance;
using Serverless.Delta.Scanning;
using Serverless.Delta.Schema;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Delta.Tests;

/// <summary>Tables this library writes read back through a fresh reader and through DuckDB.</summary>
public sealed class WrittenTableTests
{
    private static readonly TableDefinition AllTypes = new(
    [
        new StructField("id", PrimitiveType.Long, false),
        new StructField("i", PrimitiveType.Integer),
        new StructField("s", PrimitiveType.Short),
        new StructField("b", PrimitiveType.Byte),
        new StructField("f", PrimitiveType.Float),
        new StructField("d", PrimitiveType.Double),
        new StructField("m", new DecimalType(12, 3)),
        new StructField("flag", PrimitiveType.Boolean),
        new StructField("name", PrimitiveType.String),
        new StructField("bytes", PrimitiveType.Binary),
        new StructField("day", PrimitiveType.Date),
        new StructField("ts", PrimitiveType.Timestamp),
        new StructField("local", PrimitiveType.TimestampNtz),
    ]);

    private static object?[] Row(long id) =>
    [
        id, (int)id * 2, (short)id, (sbyte)(id % 100), id / 4f, id / 8d, id * 1.125m, id % 2 == 0,
        id % 5 == 0 ? null : "name-" + id.ToString("D3", CultureInfo.InvariantCulture), new[] { (byte)id, (byte)1 },
        new DateOnly(2024, 1, 1).AddDays((int)id), new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(id * 12_345_670),
        new DateTime(2024, 1, 1, 12, 0, 0, DateTimeKind.Unspecified).AddSeconds(id),
    ];

    [Fact]
    public async Task WrittenRowsRoundTripThroughAFreshReaderWithDeletionVectorsApplied()
    {
        using var dir = new TempDirectory();
        var location = new TableLocation(new LocalFolderObjectStore(dir.Path));
        var table = await DeltaTable.CreateAsync(location, AllTypes);
        Assert.Contains("timestampNtz", table.Snapshot.Protocol.ReaderFeatures!);
        var writer = new DataFileWriter(table.Snapshot);
        var a = await writer.WriteAsync(Enumerable.Range(0, 50).Select(i => Row(i)));
        var b = await writer.WriteAsync(Enumerable.Range(50, 50).Select(i => Row(i)));
        await table.CommitAsync(table.BeginTransaction().Add(a).Add(b));

        var deleted = RoaringBitmapArray.Of([0, 7, 49]);
        var dvs = await DeletionVectorStore.WriteFileAsync(location, [deleted]);
        await table.CommitAsync(table.BeginTransaction("DELETE").UpdateDeletionVector(table.Snapshot.Files.Single(f => f.Path == a.Path), dvs[0]));

        var fresh = await new DeltaLog(new TableLocation(new LocalFolderObjectStore(dir.Path))).LoadAsync();
        var rows = new List<object?[]>();
        await foreach (var row in new DeltaScan(fresh).ReadRowsAsync())
        {
            rows.Add(row);
        }

        var expected = Enumerable.Range(0, 100).Where(i => i is not (0 or 7 or 49)).Select(i => FixtureTableTests.Canonical(Row(i))).Order(StringComparer.Ordinal);
        Assert.Equal(expected, rows.Select(FixtureTableTests.Canonical).Order(StringComparer.Ordinal));
        Assert.IsType<DateTime>(rows[0][11]);
        Assert.Equal(DateTimeKind.Utc, ((DateTime)rows.First(r => r[11] is not null)[11]!).Kind);
    }

    [Fact]
    public async Task StatisticsUsePhysicalNamesAndProtocolFormats()
    {
        using var dir = new TempDirectory();
        var table = await DeltaTable.CreateAsync(new TableLocation(new LocalFolderObjectStore(dir.Path)), AllTypes);
        var add = await new DataFileWriter(table.Snapshot).WriteAsync(Enumerable.Range(1, 10).Select(i => Row(i)));
        using var stats = JsonDocument.Parse(add.Stats!);
        var schema = table.Snapshot.Schema;
        string P(string logical) => schema.FindField(logical)!.PhysicalName;
        var root = stats.RootElement;
        Assert.Equal(10, root.GetProperty("numRecords").GetInt64());
        Assert.Equal(1, root.GetProperty("minValues").GetProperty(P("id")).GetInt64());
        Assert.Equal(10, root.GetProperty("maxValues").GetProperty(P("id")).GetInt64());
        Assert.Equal("2024-01-02", root.GetProperty("minValues").GetProperty(P("day")).GetString());
        Assert.Equal("2024-01-01T00:00:01.234Z", root.GetProperty("minValues").GetProperty(P("ts")).GetString());
        Assert.Equal("2024-01-01T12:00:10.000", root.GetProperty("maxValues").GetProperty(P("local")).GetString());
        Assert.Equal(11.25m, root.GetProperty("maxValues").GetProperty(P("m")).GetDecimal());
        Assert.Equal(2, root.GetProperty("nullCount").GetProperty(P("name")).GetInt64());
        Assert.False(root.GetProperty("minValues").TryGetProperty(P("flag"), out _));
        Assert.False(root.GetProperty("minValues").TryGetProperty("id", out _));
    }

    [Fact]
    public async Task PruningOnATimestampKeepsTheFileWhoseMaxWasTruncatedToMilliseconds()
    {
        using var dir = new TempDirectory();
        var table = await DeltaTable.CreateAsync(new TableLocation(new LocalFolderObjectStore(dir.Path)), AllTypes);
        var add = await new DataFileWriter(table.Snapshot).WriteAsync([Row(1)]);
        await table.CommitAsync(table.BeginTransaction().Add(add));
        var exact = (DateTime)Row(1)[11]!;
        Assert.Single(new DeltaScan(table.Snapshot).WhereBetween("ts", exact, exact).PlanFiles());
        Assert.Empty(new DeltaScan(table.Snapshot).WhereBetween("ts", exact.AddMilliseconds(2), null).PlanFiles());
    }

    [Fact]
    public void LongStringStatisticsAreTruncatedToBoundsThatStillHold()
    {
        var s = new string('a', 40);
        var min = FileStatistics.TruncateString(s, isMax: false)!;
        var max = FileStatistics.TruncateString(s, isMax: true)!;
        Assert.Equal(32, min.Length);
        Assert.True(DeltaValues.Compare(min, s) <= 0);
        Assert.True(DeltaValues.Compare(max, s) > 0);
        Assert.True(DeltaValues.Compare(max, new string('a', 32) + "\uFFFF") > 0);
        Assert.Equal("short", FileStatistics.TruncateString("short", isMax: true));
    }

    [Fact]
    public async Task DuckDbReadsOurDataFilesAndAgreesOnRowsAfterDeletionVectors()
    {
        // DuckDB's delta extension cannot be installed here (no network), so DuckDB reads our data files with
        // read_parquet and we apply the deletion vector by file row number, which is exactly what the DV means.
        using var dir = new TempDirectory();
        var location = new TableLocation(new LocalFolderObjectStore(dir.Path));
        var table = await DeltaTable.CreateAsync(location, AllTypes);
        var writer = new DataFileWriter(table.Snapshot);
        var a = await writer.WriteAsync(Enumerable.Range(0, 30).Select(i => Row(i)));
        await table.CommitAsync(table.BeginTransaction().Add(a));
        await table.CommitAsync(table.BeginTransaction("DELETE").UpdateDeletionVector(table.Snapshot.Files.Single(), DeletionVectorStore.Inline(RoaringBitmapArray.Of([3, 4, 29]))));

        var snapshot = await new DeltaLog(location).LoadAsync();
        var file = snapshot.Files.Single();
        var idColumn = snapshot.Schema.FindField("id")!.PhysicalName;
        var nameColumn = snapshot.Schema.FindField("name")!.PhysicalName;
        var deleted = string.Join(",", (await DeletionVectorStore.ReadAsync(location, file.DeletionVector!)).Values());
        var path = Path.Combine(dir.Path, DeltaPath.Decode(file.Path));
        var duck = await DuckDb.QueryAsync($"SELECT CAST(\"{idColumn}\" AS VARCHAR), \"{nameColumn}\" FROM read_parquet({DuckDb.Literal(path)}, file_row_number = true) WHERE file_row_number NOT IN ({deleted}) ORDER BY 1");
        var ours = new List<string>();
        await foreach (var row in new DeltaScan(snapshot).Select("id", "name").ReadRowsAsync())
        {
            ours.Add(row[0] + "|" + (row[1] ?? "null"));
        }

        var theirs = duck.Rows.Select(r => r[0].GetString() + "|" + (r[1].ValueKind == JsonValueKind.Null ? "null" : r[1].GetString())).ToList();
        Assert.Equal(27, theirs.Count);
        Assert.Equal(theirs.Order(StringComparer.Ordinal), ours.Order(StringComparer.Ordinal));

        var types = await DuckDb.QueryAsync($"DESCRIBE SELECT * FROM read_parquet({DuckDb.Literal(path)})");
        var byName = types.Rows.ToDictionary(r => r[0].GetString()!, r => r[1].GetString()!);
        Assert.Equal("TIMESTAMP WITH TIME ZONE", byName[snapshot.Schema.FindField("ts")!.PhysicalName]);
        Assert.Equal("TIMESTAMP", byName[snapshot.Schema.FindField("local")!.PhysicalName]);
        Assert.Equal("DECIMAL(12,3)", byName[snapshot.Schema.FindField("m")!.PhysicalName]);
    }

    [Fact]
    public async Task CrashBetweenUploadAndCommitLeavesOnlyOrphansThatVacuumRemoves()
    {
        using var dir = new TempDirectory();
        var location = new TableLocation(new LocalFolderObjectStore(dir.Path));
        var table = await DeltaTable.CreateAsync(location, AllTypes);
        var writer = new DataFileWriter(table.Snapshot);
        var kept = await writer.WriteAsync(Enumerable.Range(0, 5).Select(i => Row(i)));
        await table.CommitAsync(table.BeginTransaction().Add(kept));

        // The "crash": data and a DV file uploaded, the commit never written.
        var orphan = await writer.WriteAsync(Enumerable.Range(5, 5).Select(i => Row(i)));
        var orphanDv = await DeletionVectorStore.WriteFileAsync(location, [RoaringBitmapArray.Of([1])]);

        var snapshot = await new DeltaLog(location).LoadAsync();
        Assert.Equal(1, snapshot.Version);
        var count = 0;
        await foreach (var unused in new DeltaScan(snapshot).ReadRowsAsync())
        {
            count++;
        }

        Assert.Equal(5, count);

        // Young orphans survive (they may belong to an in-flight commit); once past the retention they go.
        var early = await TableMaintenance.VacuumAsync(snapshot, TimeSpan.FromHours(1));
        Assert.Empty(early.DeletedPaths);
        Assert.Equal(2, early.KeptUnreferencedYoungFiles);
        var later = await TableMaintenance.VacuumAsync(snapshot, TimeSpan.FromHours(1), now: DateTimeOffset.UtcNow.AddHours(2));
        Assert.Equal(
            new[] { DeltaPath.Decode(orphan.Path), DeletionVectorStore.RelativeFilePath(orphanDv[0]) }.Order(StringComparer.Ordinal),
            later.DeletedPaths.Order(StringComparer.Ordinal));
        Assert.True(File.Exists(Path.Combine(dir.Path, DeltaPath.Decode(kept.Path))));
        Assert.False(File.Exists(Path.Combine(dir.Path, DeltaPath.Decode(orphan.Path))));
    }

    [Fact]
    public async Task VacuumKeepsFilesRemovedInsideTheRetentionWindow()
    {
        using var dir = new TempDirectory();
        var location = new TableLocation(new LocalFolderObjectStore(dir.Path));
        var table = await DeltaTable.CreateAsync(location, AllTypes);
        var writer = new DataFileWriter(table.Snapshot);
        var old = await writer.WriteAsync([Row(1)]);
        await table.CommitAsync(table.BeginTransaction().Add(old));
        var replacement = await writer.WriteAsync([Row(1)]);
        await table.CommitAsync(table.BeginTransaction("OPTIMIZE").Remove(table.Snapshot.Files.Single()).Add(replacement));

        // Removed just now: version 1 (inside a 1-hour window) still needs it for time travel.
        var inside = await TableMaintenance.VacuumAsync(table.Snapshot, TimeSpan.FromHours(1), now: DateTimeOffset.UtcNow.AddMinutes(30));
        Assert.DoesNotContain(DeltaPath.Decode(old.Path), inside.DeletedPaths);
        var outside = await TableMaintenance.VacuumAsync(table.Snapshot, TimeSpan.FromHours(1), now: DateTimeOffset.UtcNow.AddHours(3));
        Assert.Equal([DeltaPath.Decode(old.Path)], outside.DeletedPaths);
        Assert.True(File.Exists(Path.Combine(dir.Path, DeltaPath.Decode(replacement.Path))));
    }

    [Fact]
    public async Task PartitionedTableWritesHiveFoldersAndReadsPartitionValuesBack()
    {
        using var dir = new TempDirectory();
        var location = new TableLocation(new LocalFolderObjectStore(dir.Path));
        var def = new TableDefinition([new StructField("region", PrimitiveType.String), new StructField("v", PrimitiveType.Long)]) { PartitionColumns = ["region"], Mode = TableProtocolMode.CopyOnWrite };
        var table = await DeltaTable.CreateAsync(location, def);
        var writer = new DataFileWriter(table.Snapshot);
        var eu = await writer.WriteAsync([[1L], [2L]], new Dictionary<string, string?> { ["region"] = "eu west" });
        var none = await writer.WriteAsync([[3L]], new Dictionary<string, string?> { ["region"] = null });
        await table.CommitAsync(table.BeginTransaction().Add(eu).Add(none));
        var rows = new List<string>();
        await foreach (var row in new DeltaScan(await new DeltaLog(location).LoadAsync()).ReadRowsAsync())
        {
            rows.Add(FixtureTableTests.Canonical(row));
        }

        Assert.Equal(["eu west|1", "eu west|2", "∅|3"], rows.Order(StringComparer.Ordinal));
        Assert.StartsWith("region=eu%2520west/", eu.Path, StringComparison.Ordinal);
    }
}
