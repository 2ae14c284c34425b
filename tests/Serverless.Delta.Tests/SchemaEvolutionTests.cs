using Serverless.Delta.DataFiles;
using Serverless.Delta.DeletionVectors;
using Serverless.Delta.Log;
using Serverless.Delta.Scanning;
using Serverless.Delta.Schema;
using Serverless.Delta.Transactions;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Delta.Tests;

public sealed class SchemaEvolutionTests
{
    private static async Task<(DeltaTable Table, TableLocation Location, TempDirectory Dir)> TableWithRowsAsync(TableProtocolMode mode = TableProtocolMode.Default)
    {
        var dir = new TempDirectory();
        var location = new TableLocation(new LocalFolderObjectStore(dir.Path));
        var def = new TableDefinition([new StructField("id", PrimitiveType.Integer, false), new StructField("name", PrimitiveType.String)]) { Mode = mode };
        var table = await DeltaTable.CreateAsync(location, def);
        var add = await new DataFileWriter(table.Snapshot).WriteAsync([[1, "a"], [2, "b"]]);
        await table.CommitAsync(table.BeginTransaction().Add(add));
        return (table, location, dir);
    }

    private static async Task<List<object?[]>> RowsAsync(TableLocation location)
    {
        var rows = new List<object?[]>();
        await foreach (var row in new DeltaScan(await new DeltaLog(location).LoadAsync()).ReadRowsAsync())
        {
            rows.Add(row);
        }

        return rows.OrderBy(r => Convert.ToInt64(r[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
    }

    private static Task<CommitResult> ApplyAsync(DeltaTable table, SchemaEvolution.Change change, string operation)
    {
        var tx = table.BeginTransaction(operation).UpdateMetadata(change.Metadata);
        if (change.Protocol is not null)
        {
            tx.UpdateProtocol(change.Protocol);
        }

        return table.CommitAsync(tx);
    }

    [Fact]
    public async Task ChangesChainedOnPreviewsCommitAsOneVersion()
    {
        var (table, location, dir) = await TableWithRowsAsync();
        using (dir)
        {
            var before = table.Snapshot;
            var added = SchemaEvolution.AddColumn(before, new StructField("score", PrimitiveType.Integer));
            var widened = SchemaEvolution.WidenColumn(SchemaEvolution.Preview(before, added), "score", PrimitiveType.Long);
            var renamed = SchemaEvolution.RenameColumn(SchemaEvolution.Preview(SchemaEvolution.Preview(before, added), widened), "name", "title");

            Assert.Equal(before.Version, SchemaEvolution.Preview(before, added).Version);
            Assert.Null(before.Schema.FindField("score"));
            var tx = table.BeginTransaction("CHANGE COLUMN").UpdateMetadata(renamed.Metadata).UpdateProtocol(widened.Protocol!);
            await table.CommitAsync(tx);

            Assert.Equal(before.Version + 1, table.Snapshot.Version);
            Assert.Equal(["id", "title", "score"], table.Snapshot.Schema.Fields.Select(f => f.Name));
            Assert.Equal(PrimitiveType.Long, table.Snapshot.Schema.FindField("score")!.Type);
            Assert.True(table.Snapshot.Protocol.HasReaderFeature(TableFeatures.TypeWidening));
            Assert.Equal(["a", "b"], (await RowsAsync(location)).Select(r => r[1]));
        }
    }

    [Fact]
    public async Task AReplacedSchemaNumbersEveryColumnAnewAndReadsOnlyTheFilesWrittenForIt()
    {
        var (table, location, dir) = await TableWithRowsAsync();
        using (dir)
        {
            var before = table.Snapshot;
            var oldId = before.Schema.FindField("id")!;
            var change = SchemaEvolution.ReplaceSchema(
                before,
                [new StructField("id", PrimitiveType.Long, false), new StructField("name", PrimitiveType.Integer), new StructField("at", PrimitiveType.TimestampNtz)],
                new Dictionary<string, string>(before.Metadata.Configuration) { ["note"] = "replaced" });
            var after = SchemaEvolution.Preview(before, change);

            // New ids above the old maximum and new physical names: no old file's column can be read into a new one.
            Assert.Equal([3L, 4L, 5L], after.Schema.Fields.Select(f => f.ColumnMappingId!.Value));
            Assert.NotEqual(oldId.PhysicalName, after.Schema.FindField("id")!.PhysicalName);
            Assert.Equal("5", after.Metadata.GetConfiguration("delta.columnMapping.maxColumnId"));
            Assert.Equal("replaced", after.Metadata.GetConfiguration("note"));
            Assert.True(after.Protocol.HasReaderFeature(TableFeatures.TimestampNtz));

            // One commit: the new schema, every old file removed, a file written for the new schema added.
            var add = await new DataFileWriter(after).WriteAsync([[10L, 7, new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Unspecified)]]);
            var tx = table.BeginTransaction("WRITE").UpdateMetadata(change.Metadata).UpdateProtocol(change.Protocol!).Add(add);
            foreach (var old in before.Files)
            {
                tx.Remove(old);
            }

            await table.CommitAsync(tx);
            var row = Assert.Single(await RowsAsync(location));
            Assert.Equal(10L, row[0]);
            Assert.Equal(7, row[1]);
        }
    }

    [Fact]
    public async Task AReplacedSchemaWithTwoColumnsOfOneNameIsRefused()
    {
        var (table, _, dir) = await TableWithRowsAsync();
        using (dir)
        {
            Assert.Throws<DeltaSchemaException>(() => SchemaEvolution.ReplaceSchema(
                table.Snapshot, [new StructField("id", PrimitiveType.Long), new StructField("ID", PrimitiveType.String)], table.Snapshot.Metadata.Configuration));
        }
    }

    [Fact]
    public async Task AddedColumnReadsAsNullInOlderFilesAndGetsTheNextColumnMappingId()
    {
        var (table, location, dir) = await TableWithRowsAsync();
        using (dir)
        {
            await ApplyAsync(table, SchemaEvolution.AddColumn(table.Snapshot, new StructField("score", PrimitiveType.Double)), "ADD COLUMNS");
            var field = table.Snapshot.Schema.FindField("score")!;
            Assert.Equal(3, field.ColumnMappingId);
            Assert.Equal("3", table.Snapshot.Metadata.Configuration["delta.columnMapping.maxColumnId"]);
            var add = await new DataFileWriter(table.Snapshot).WriteAsync([[3, "c", 1.5]]);
            await table.CommitAsync(table.BeginTransaction().Add(add));
            var rows = await RowsAsync(location);
            Assert.Equal([null, null, 1.5], rows.Select(r => r[2]));
        }
    }

    [Fact]
    public async Task RenameAndDropUnderColumnMappingAreMetadataOnly()
    {
        var (table, location, dir) = await TableWithRowsAsync();
        using (dir)
        {
            var files = table.Snapshot.Files.Select(f => f.Path).ToList();
            await ApplyAsync(table, SchemaEvolution.RenameColumn(table.Snapshot, "name", "label"), "RENAME COLUMN");
            var rows = await RowsAsync(location);
            Assert.Equal(["a", "b"], rows.Select(r => r[1]));
            Assert.Equal("label", table.Snapshot.Schema.Fields[1].Name);

            await ApplyAsync(table, SchemaEvolution.DropColumn(table.Snapshot, "label"), "DROP COLUMNS");
            rows = await RowsAsync(location);
            Assert.All(rows, r => Assert.Single(r));
            Assert.Equal(files, table.Snapshot.Files.Select(f => f.Path).ToList());
        }
    }

    [Fact]
    public async Task RenameWithoutColumnMappingIsRefused()
    {
        var (table, _, dir) = await TableWithRowsAsync(TableProtocolMode.CopyOnWrite);
        using (dir)
        {
            var e = Assert.Throws<DeltaSchemaException>(() => SchemaEvolution.RenameColumn(table.Snapshot, "name", "label"));
            Assert.Contains("column mapping", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task IntegerWidenedToLongReadsOldFilesAsLongAndRecordsTheTypeChange()
    {
        var (table, location, dir) = await TableWithRowsAsync();
        using (dir)
        {
            var change = SchemaEvolution.WidenColumn(table.Snapshot, "id", PrimitiveType.Long);
            Assert.NotNull(change.Protocol);
            Assert.Contains("typeWidening", change.Protocol!.ReaderFeatures!);
            await ApplyAsync(table, change, "CHANGE COLUMN");
            var field = table.Snapshot.Schema.FindField("id")!;
            Assert.Equal(PrimitiveType.Long, field.Type);
            Assert.Contains("\"fromType\":\"integer\"", field.Metadata["delta.typeChanges"].GetRawText(), StringComparison.Ordinal);
            var add = await new DataFileWriter(table.Snapshot).WriteAsync([[5_000_000_000L, "big"]]);
            await table.CommitAsync(table.BeginTransaction().Add(add));
            var rows = await RowsAsync(location);
            Assert.Equal([1L, 2L, 5_000_000_000L], rows.Select(r => r[0]));
        }
    }

    [Theory]
    [InlineData("byte", "short", true)]
    [InlineData("short", "long", true)]
    [InlineData("float", "double", true)]
    [InlineData("integer", "double", true)]
    [InlineData("date", "timestamp_ntz", true)]
    [InlineData("decimal(10,2)", "decimal(12,2)", true)]
    [InlineData("decimal(10,2)", "decimal(12,4)", true)]
    [InlineData("decimal(10,2)", "decimal(11,3)", true)]
    [InlineData("decimal(10,2)", "decimal(10,3)", false)]
    [InlineData("integer", "decimal(10,0)", true)]
    [InlineData("integer", "decimal(9,0)", false)]
    [InlineData("long", "integer", false)]
    [InlineData("long", "double", false)]
    [InlineData("string", "integer", false)]
    [InlineData("timestamp", "timestamp_ntz", false)]
    public void TypeWideningFollowsTheFeatureRules(string from, string to, bool allowed)
    {
        static DeltaType Parse(string t) => SchemaJson.Parse($"{{\"type\":\"struct\",\"fields\":[{{\"name\":\"c\",\"type\":\"{t}\",\"nullable\":true,\"metadata\":{{}}}}]}}").Fields[0].Type;
        Assert.Equal(allowed, SchemaEvolution.IsAllowedWidening(Parse(from), Parse(to)));
    }

    [Fact]
    public async Task NarrowingIsRefusedWithTheReason()
    {
        var (table, _, dir) = await TableWithRowsAsync();
        using (dir)
        {
            var e = Assert.Throws<DeltaSchemaException>(() => SchemaEvolution.WidenColumn(table.Snapshot, "name", PrimitiveType.Integer));
            Assert.Contains("not a type widening", e.Message, StringComparison.Ordinal);
            Assert.Throws<DeltaSchemaException>(() => SchemaEvolution.AddColumn(table.Snapshot, new StructField("strict", PrimitiveType.Long, false)));
        }
    }

    [Fact]
    public async Task CombiningDeletionVectorsUnionsTheExistingRows()
    {
        var (table, location, dir) = await TableWithRowsAsync();
        using (dir)
        {
            var file = table.Snapshot.Files.Single();
            await table.CommitAsync(table.BeginTransaction("DELETE").UpdateDeletionVector(file, DeletionVectorStore.Inline(RoaringBitmapArray.Of([0]))));
            file = table.Snapshot.Files.Single();
            var (combined, added) = await DeletionVectorStore.CombineAsync(location, file, RoaringBitmapArray.Of([0, 1]));
            Assert.Equal(1, added);
            Assert.Equal([0L, 1L], combined.Values());
            var result = await table.CommitAsync(table.BeginTransaction("DELETE").UpdateDeletionVector(file, (await DeletionVectorStore.WriteFileAsync(location, [combined]))[0]));
            Assert.Equal(CommitOutcome.Committed, result.Outcome);
            Assert.Empty(await RowsAsync(location));
        }
    }

    [Fact]
    public async Task ConcurrentAppendInsideTheReadKeyRangeConflictsAndOutsideItRebases()
    {
        var (table, location, dir) = await TableWithRowsAsync();
        using (dir)
        {
            var other = await DeltaTable.OpenAsync(location);
            await other.CommitAsync(other.BeginTransaction().Add(await new DataFileWriter(other.Snapshot).WriteAsync([[100, "far"]])));

            // This merge read keys 1..2: a concurrent file of key 100 cannot hold them, so the commit rebases.
            var tx = table.BeginTransaction("MERGE")
                .ReadWhere(new DeltaScan(table.Snapshot).WhereBetween("id", 1, 2).MayMatch)
                .Add(await new DataFileWriter(table.Snapshot).WriteAsync([[9, "new"]]));
            var rebased = await table.CommitAsync(tx);
            Assert.Equal(1, rebased.Retries);

            await other.RefreshAsync();
            await other.CommitAsync(other.BeginTransaction().Add(await new DataFileWriter(other.Snapshot).WriteAsync([[2, "dup"]])));
            var conflicting = table.BeginTransaction("MERGE")
                .ReadWhere(new DeltaScan(table.Snapshot).WhereBetween("id", 1, 2).MayMatch)
                .Add(await new DataFileWriter(table.Snapshot).WriteAsync([[10, "new"]]));
            var e = await Assert.ThrowsAsync<CommitConflictException>(() => table.CommitAsync(conflicting));
            Assert.Equal(ConflictKind.ConcurrentAppend, e.Kind);
        }
    }
}
