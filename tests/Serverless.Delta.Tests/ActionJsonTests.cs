using System.Text;
using Serverless.Delta.Actions;
using Serverless.Delta.Schema;

namespace Serverless.Delta.Tests;

public sealed class ActionJsonTests
{
    [Fact]
    public void EveryActionKindRoundTripsThroughJsonLines()
    {
        var dv = new DeletionVectorDescriptor("u", "vBn[lx{q8@P<9BNH/isA", 1, 36, 2);
        DeltaAction[] actions =
        [
            new CommitInfoAction(1, "WRITE", new Dictionary<string, string> { ["mode"] = "Append" }, new Dictionary<string, string> { ["numOutputRows"] = "3" }, "Serverless.Delta/1", null, 0, true, "t"),
            new ProtocolAction(3, 7, ["deletionVectors", "columnMapping"], ["deletionVectors", "columnMapping"]),
            new MetadataAction("id", "n", null, FileFormat.Parquet, "{\"type\":\"struct\",\"fields\":[]}", ["p"], new Dictionary<string, string> { ["delta.columnMapping.mode"] = "name" }, 42),
            new AddFile("p=a%20b/x.parquet", new Dictionary<string, string?> { ["p"] = "a b", ["q"] = null }, 10, 20, true, "{\"numRecords\":1}", null, dv, 7, 3),
            new RemoveFile("x.parquet", 5, true, true, new Dictionary<string, string?>(), 10, null, null, dv),
            new TransactionAction("app", 9, 100),
            new DomainMetadataAction("d", "{}", false),
            new UnknownAction("checkpointMetadata", "{\"version\":1}"),
        ];
        var bytes = ActionJson.WriteCommit(actions);
        var back = ActionJson.ParseCommit(bytes, "test");
        Assert.Equal(actions.Length, back.Count);
        for (var i = 1; i < actions.Length; i++)
        {
            Assert.Equal(ActionJson.ToJsonLine(actions[i]), ActionJson.ToJsonLine(back[i]));
        }

        var add = Assert.IsType<AddFile>(back[3]);
        Assert.Equal(new FileKey("p=a b/x.parquet", "uvBn[lx{q8@P<9BNH/isA@1"), add.Key);
        Assert.Null(add.PartitionValues["q"]);
        var info = Assert.IsType<CommitInfoAction>(back[0]);
        Assert.Equal("3", info.OperationMetrics!["numOutputRows"]);
    }

    [Fact]
    public void UnknownFieldsAndActionKindsAreTolerated()
    {
        var line = "{\"futureAction\":{\"x\":1}}\n{\"add\":{\"path\":\"a\",\"size\":1,\"modificationTime\":2,\"dataChange\":true,\"partitionValues\":{},\"newField\":[1,2]}}"u8;
        var actions = ActionJson.ParseCommit(line, "test");
        Assert.IsType<UnknownAction>(actions[0]);
        Assert.Equal("a", Assert.IsType<AddFile>(actions[1]).Path);
    }

    [Fact]
    public void MissingRequiredFieldNamesTheFieldAndLine()
    {
        var e = Assert.Throws<CorruptCommitException>(() => ActionJson.ParseCommit("{\"commitInfo\":{}}\n{\"add\":{\"size\":1}}"u8, "_delta_log/00000000000000000003.json"));
        Assert.Contains("add.path", e.Message, StringComparison.Ordinal);
        Assert.Contains("line 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PathEncodingEscapesReservedCharactersAndDecodesBack()
    {
        var store = "letter=/ %f/date=1970-01-01/data=😈/part-0.parquet";
        var encoded = DeltaPath.Encode(store);
        Assert.DoesNotContain(" ", encoded, StringComparison.Ordinal);
        Assert.Contains("%25f", encoded, StringComparison.Ordinal);
        Assert.Equal(store, DeltaPath.Decode(encoded));
    }

    [Fact]
    public void SchemaWithNestedTypesAndColumnMappingMetadataRoundTrips()
    {
        const string json = "{\"type\":\"struct\",\"fields\":[{\"name\":\"a\",\"type\":\"integer\",\"nullable\":false,\"metadata\":{\"delta.columnMapping.id\":1,\"delta.columnMapping.physicalName\":\"col-1\"}},{\"name\":\"b\",\"type\":{\"type\":\"struct\",\"fields\":[{\"name\":\"d\",\"type\":\"decimal(10,2)\",\"nullable\":true,\"metadata\":{}}]},\"nullable\":true,\"metadata\":{}},{\"name\":\"c\",\"type\":{\"type\":\"array\",\"elementType\":\"timestamp_ntz\",\"containsNull\":false},\"nullable\":true,\"metadata\":{}},{\"name\":\"f\",\"type\":{\"type\":\"map\",\"keyType\":\"string\",\"valueType\":\"binary\",\"valueContainsNull\":true},\"nullable\":true,\"metadata\":{}}]}";
        var schema = SchemaJson.Parse(json);
        Assert.Equal(json, SchemaJson.Serialize(schema));
        Assert.Equal("col-1", schema.Fields[0].PhysicalName);
        Assert.Equal(1, schema.Fields[0].ColumnMappingId);
        Assert.Equal(new DecimalType(10, 2), ((StructType)schema.Fields[1].Type).Fields[0].Type);
        Assert.Equal(PrimitiveType.TimestampNtz, ((ArrayType)schema.Fields[2].Type).ElementType);
    }

    [Fact]
    public void UnknownColumnTypeIsNamedInTheError()
    {
        var e = Assert.Throws<DeltaSchemaException>(() => SchemaJson.Parse("{\"type\":\"struct\",\"fields\":[{\"name\":\"g\",\"type\":\"geography\",\"nullable\":true,\"metadata\":{}}]}"));
        Assert.Contains("'g'", e.Message, StringComparison.Ordinal);
        Assert.Contains("geography", e.Message, StringComparison.Ordinal);
    }
}
