using Serverless.Delta.Actions;
using Serverless.Delta.Log;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Delta.Tests;

/// <summary>
/// Delta Live Tables writes a first commit whose metaData has no schemaString and the schema in a later one. Like
/// delta-rs, we open the versions whose metaData in effect carries the schema and refuse only the ones before.
/// </summary>
public sealed class MissingSchemaStringTests
{
    private const string Schema = """{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]}""";

    private static readonly string[] Commits =
    [
        """
        {"commitInfo":{"timestamp":1700000000000,"operation":"CREATE TABLE","operationParameters":{}}}
        {"protocol":{"minReaderVersion":1,"minWriterVersion":2}}
        {"metaData":{"id":"dlt-table","format":{"provider":"parquet","options":{}},"partitionColumns":[],"configuration":{"pipelines.pipelineId":"p1"},"createdTime":1700000000000}}
        """,
        "{\"commitInfo\":{\"timestamp\":1700000001000,\"operation\":\"DLT REFRESH\",\"operationParameters\":{}}}\n" +
        "{\"metaData\":{\"id\":\"dlt-table\",\"format\":{\"provider\":\"parquet\",\"options\":{}},\"schemaString\":\"" + Schema + "\",\"partitionColumns\":[],\"configuration\":{\"pipelines.pipelineId\":\"p1\"},\"createdTime\":1700000000000}}\n" +
        "{\"add\":{\"path\":\"part-0.parquet\",\"partitionValues\":{},\"size\":10,\"modificationTime\":1700000001000,\"dataChange\":true}}\n",
        """
        {"commitInfo":{"timestamp":1700000002000,"operation":"WRITE","operationParameters":{}}}
        {"add":{"path":"part-1.parquet","partitionValues":{},"size":10,"modificationTime":1700000002000,"dataChange":true}}
        """,
    ];

    private static TempDirectory WriteTable(int commits)
    {
        var dir = new TempDirectory();
        var log = Path.Combine(dir.Path, "_delta_log");
        Directory.CreateDirectory(log);
        for (var v = 0; v < commits; v++)
        {
            File.WriteAllText(Path.Combine(log, $"{v:D20}.json"), Commits[v]);
        }

        return dir;
    }

    private static DeltaLog Log(TempDirectory dir) => new(new TableLocation(new LocalFolderObjectStore(dir.Path)));

    [Fact]
    public async Task LatestVersionOpensWithTheSchemaALaterMetaDataSupplies()
    {
        using var dir = WriteTable(3);
        var snapshot = await Log(dir).LoadAsync();
        Assert.Equal(2, snapshot.Version);
        Assert.Equal(["id"], snapshot.Schema.Fields.Select(f => f.Name));
        Assert.Equal(["part-0.parquet", "part-1.parquet"], snapshot.Files.Select(f => f.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task VersionBeforeTheSchemaIsRefusedNamingItAndTheFirstVersionWithTheSchema()
    {
        using var dir = WriteTable(3);
        var e = await Assert.ThrowsAsync<DeltaLogException>(() => Log(dir).LoadAsync(0));
        Assert.Contains("no schema at version 0", e.Message, StringComparison.Ordinal);
        Assert.Contains("lacks schemaString", e.Message, StringComparison.Ordinal);
        Assert.Contains("Version 1 is the first that has it", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TableWhoseOnlyMetaDataLacksTheSchemaIsRefusedWithoutNamingALaterVersion()
    {
        using var dir = WriteTable(1);
        var e = await Assert.ThrowsAsync<DeltaLogException>(() => Log(dir).LoadAsync());
        Assert.Contains("no schema at version 0", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("is the first that has it", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CommitWithoutSchemaStringParsesAndItsHistoryIsListed()
    {
        using var dir = WriteTable(3);
        var log = Log(dir);
        var metadata = Assert.Single((await log.ReadCommitAsync(0)).OfType<MetadataAction>());
        Assert.Null(metadata.SchemaString);
        Assert.Equal("p1", metadata.GetConfiguration("pipelines.pipelineId"));
        var history = await log.GetHistoryAsync();
        Assert.Equal(["CREATE TABLE", "DLT REFRESH", "WRITE"], history.Select(h => h.Operation));
    }

    [Fact]
    public async Task UpdatingFromTheLatestSnapshotKeepsTheSchema()
    {
        using var dir = WriteTable(2);
        var log = Log(dir);
        var v1 = await log.LoadAsync();
        File.WriteAllText(Path.Combine(dir.Path, "_delta_log", $"{2:D20}.json"), Commits[2]);
        var v2 = await log.UpdateAsync(v1);
        Assert.Equal(2, v2.Version);
        Assert.Same(v1.Schema, v2.Schema);
        Assert.Equal(2, v2.Files.Count);
    }

    [Fact]
    public void MetaDataWithoutSchemaStringIsWrittenBackWithoutIt()
    {
        var metadata = new MetadataAction("t", null, null, FileFormat.Parquet, null, [], new Dictionary<string, string>(), null);
        var line = ActionJson.ToJsonLine(metadata);
        Assert.DoesNotContain("schemaString", line, StringComparison.Ordinal);
        var parsed = Assert.IsType<MetadataAction>(ActionJson.ParseLine(System.Text.Encoding.UTF8.GetBytes(line), "x.json", 1));
        Assert.Equal("t", parsed.Id);
        Assert.Null(parsed.SchemaString);
    }
}
