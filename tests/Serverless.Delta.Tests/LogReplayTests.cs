using System.Text;
using Serverless.Delta.Actions;
using Serverless.Delta.Log;
using Serverless.Delta.Schema;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Delta.Tests;

public sealed class LogReplayTests
{
    private static DeltaLog Fixture(string name, string sub = "") =>
        new(new TableLocation(new LocalFolderObjectStore(Path.Combine(RepoPaths.DeltaFixtures, name, sub))));

    [Fact]
    public async Task DeletionVectorUpdateReplacesTheFileKeyedByPathAndDvId()
    {
        var snapshot = await Fixture("rs-table-with-dv-small").LoadAsync();
        Assert.Equal(1, snapshot.Version);
        var file = Assert.Single(snapshot.Files);
        Assert.Equal("u", file.DeletionVector!.StorageType);
        Assert.Equal(2, file.DeletionVector.Cardinality);
        var tombstone = Assert.Single(snapshot.Tombstones);
        Assert.Null(tombstone.DeletionVector);
        Assert.Equal(3, snapshot.Protocol.MinReaderVersion);
    }

    [Fact]
    public async Task SnapshotAtAnEarlierVersionSeesOnlyThatVersionsFiles()
    {
        var log = Fixture("dat-basic_append", "delta");
        var v0 = await log.LoadAsync(0);
        var latest = await log.LoadAsync();
        Assert.Single(v0.Files);
        Assert.Equal(2, latest.Files.Count);
        Assert.Equal(["letter", "number", "a_float"], latest.Schema.Fields.Select(f => f.Name));
    }

    [Fact]
    public async Task TmpFolderInsideTheLogIsIgnored()
    {
        var snapshot = await Fixture("rs-simple_table").LoadAsync();
        Assert.Equal(4, snapshot.Version);
        Assert.Equal(5, snapshot.Files.Count);
    }

    [Fact]
    public async Task SchemaChangeTakesTheLatestMetadata()
    {
        var log = Fixture("dat-with_schema_change", "delta");
        var v0 = await log.LoadAsync(0);
        var v1 = await log.LoadAsync();
        Assert.NotEqual(v0.Metadata.SchemaString, v1.Metadata.SchemaString);
    }

    [Fact]
    public async Task MissingCommitInTheMiddleIsReportedAsAGap()
    {
        using var dir = CopyFixture("dat-multi_partitioned/delta");
        File.Delete(Path.Combine(dir.Path, "_delta_log", "00000000000000000001.json"));
        var e = await Assert.ThrowsAsync<DeltaLogException>(() => new DeltaLog(new TableLocation(new LocalFolderObjectStore(dir.Path))).LoadAsync());
        Assert.Contains("gap", e.Message, StringComparison.Ordinal);
        Assert.Contains("00000000000000000001.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CorruptCommitLineIsReportedWithVersionAndLine()
    {
        using var dir = CopyFixture("dat-basic_append/delta");
        var path = Path.Combine(dir.Path, "_delta_log", "00000000000000000001.json");
        var lines = File.ReadAllLines(path);
        lines[1] = lines[1][..(lines[1].Length / 2)];
        File.WriteAllLines(path, lines);
        var e = await Assert.ThrowsAsync<CorruptCommitException>(() => new DeltaLog(new TableLocation(new LocalFolderObjectStore(dir.Path))).LoadAsync());
        Assert.Contains("00000000000000000001.json, line 2", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, e.LineNumber);
    }

    [Fact]
    public async Task UnknownReaderFeatureIsRefusedByName()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir.Path, "_delta_log"));
        var commit = ActionJson.WriteCommit([
            new ProtocolAction(3, 7, ["deletionVectors", "quantumEntanglement"], ["deletionVectors", "quantumEntanglement"]),
            new MetadataAction("id", null, null, FileFormat.Parquet, SchemaJson.Serialize(new StructType([new StructField("a", PrimitiveType.Long)])), [], new Dictionary<string, string>(), 0),
        ]);
        await File.WriteAllBytesAsync(Path.Combine(dir.Path, "_delta_log", "00000000000000000000.json"), commit);
        var e = await Assert.ThrowsAsync<UnsupportedTableFeatureException>(() => new DeltaLog(new TableLocation(new LocalFolderObjectStore(dir.Path))).LoadAsync());
        Assert.Equal("quantumEntanglement", e.Feature);
        Assert.Contains("'quantumEntanglement'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmptyFolderIsNotATable()
    {
        using var dir = new TempDirectory();
        var e = await Assert.ThrowsAsync<DeltaLogException>(() => new DeltaLog(new TableLocation(new LocalFolderObjectStore(dir.Path))).LoadAsync());
        Assert.Contains("No Delta table", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TimestampSnapshotUsesInCommitTimestamps()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir.Path, "_delta_log"));
        var schema = SchemaJson.Serialize(new StructType([new StructField("a", PrimitiveType.Long)]));
        for (var v = 0; v < 3; v++)
        {
            var actions = new List<DeltaAction>
            {
                new CommitInfoAction(1000 + v, "WRITE", null, null, null, 5000 + (v * 1000), null, true, null),
            };
            if (v == 0)
            {
                actions.Add(new ProtocolAction(1, 2));
                actions.Add(new MetadataAction("id", null, null, FileFormat.Parquet, schema, [], new Dictionary<string, string>(), 0));
            }

            actions.Add(new AddFile($"f{v}.parquet", new Dictionary<string, string?>(), 10, 0, true));
            await File.WriteAllBytesAsync(Path.Combine(dir.Path, "_delta_log", $"{v:D20}.json"), ActionJson.WriteCommit(actions));
        }

        var log = new DeltaLog(new TableLocation(new LocalFolderObjectStore(dir.Path)));
        var at = await log.LoadAtTimestampAsync(DateTimeOffset.FromUnixTimeMilliseconds(6500));
        Assert.Equal(1, at.Version);
        Assert.Equal(6000, at.Timestamp);
        await Assert.ThrowsAsync<DeltaLogException>(() => log.LoadAtTimestampAsync(DateTimeOffset.FromUnixTimeMilliseconds(4000)));
    }

    [Fact]
    public async Task TimestampSnapshotWithoutInCommitTimestampsUsesCommitFileTimes()
    {
        using var dir = CopyFixture("dat-basic_append/delta");
        var log = Path.Combine(dir.Path, "_delta_log");
        File.SetLastWriteTimeUtc(Path.Combine(log, "00000000000000000000.json"), new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        File.SetLastWriteTimeUtc(Path.Combine(log, "00000000000000000001.json"), new DateTime(2024, 1, 2, 0, 0, 0, DateTimeKind.Utc));
        var deltaLog = new DeltaLog(new TableLocation(new LocalFolderObjectStore(dir.Path)));
        Assert.Equal(0, (await deltaLog.LoadAtTimestampAsync(new DateTimeOffset(2024, 1, 1, 12, 0, 0, TimeSpan.Zero))).Version);
        Assert.Equal(1, (await deltaLog.LoadAtTimestampAsync(new DateTimeOffset(2024, 1, 3, 0, 0, 0, TimeSpan.Zero))).Version);
    }

    internal static TempDirectory CopyFixture(string relative)
    {
        var dir = new TempDirectory();
        var source = Path.Combine(RepoPaths.DeltaFixtures, relative);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(dir.Path, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return dir;
    }
}
