using Serverless.Delta.Actions;
using Serverless.Delta.DataFiles;
using Serverless.Delta.Log;
using Serverless.Delta.Merge;
using Serverless.Delta.Scanning;
using Serverless.Delta.Schema;
using Serverless.Parquet;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Delta.Tests;

/// <summary>NOT NULL columns: REQUIRED in data files, nulls refused with the table, column and row, relaxed by a metadata commit.</summary>
public sealed class NullabilityTests
{
    private static TableDefinition Definition() => new(
    [
        new StructField("id", PrimitiveType.Long, nullable: false),
        new StructField("qty", PrimitiveType.Integer, nullable: false),
        new StructField("_cdc_position", PrimitiveType.Long, nullable: false),
    ]);

    [Fact]
    public async Task NotNullColumnsAreRequiredInTheDataFileAndRelaxingLetsNullsInWhileOldFilesStillRead()
    {
        using var dir = new TempDirectory();
        var location = new TableLocation(new LocalFolderObjectStore(dir.Path));
        var table = await DeltaTable.CreateAsync(location, Definition());
        var first = await new DataFileWriter(table.Snapshot).WriteAsync([[1L, 5, 10L]]);
        await table.CommitAsync(table.BeginTransaction().Add(first));

        using (var reader = ParquetReader.Open(Path.Combine(dir.Path, DeltaPath.Decode(first.Path))))
        {
            Assert.All(reader.Schema.Columns, c => Assert.True(c.IsRequired, $"{c.Name} should be REQUIRED"));
        }

        var change = SchemaEvolution.RelaxNullability(table.Snapshot, "QTY");
        await table.CommitAsync(table.BeginTransaction("CHANGE COLUMN").UpdateMetadata(change.Metadata));
        var second = await new DataFileWriter(table.Snapshot).WriteAsync([[2L, null, 20L]]);
        await table.CommitAsync(table.BeginTransaction().Add(second));

        var reloaded = await new DeltaLog(location).LoadAsync();
        Assert.Null(change.Protocol);
        Assert.Equal([false, true, false], reloaded.Schema.Fields.Select(f => f.Nullable));
        var rows = new List<object?[]>();
        await foreach (var row in new DeltaScan(reloaded).ReadRowsAsync())
        {
            rows.Add(row);
        }

        Assert.Equal([5, null], rows.OrderBy(r => (long)r[0]!).Select(r => r[1]));
        var e = Assert.Throws<DeltaSchemaException>(() => SchemaEvolution.RelaxNullability(reloaded, "qty"));
        Assert.Contains("already nullable", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DataFileWriterRefusesANullInANotNullColumnNamingTheTableColumnAndRow()
    {
        using var dir = new TempDirectory();
        var table = await DeltaTable.CreateAsync(new TableLocation(new LocalFolderObjectStore(dir.Path)), Definition());

        var e = await Assert.ThrowsAsync<DeltaException>(() => new DataFileWriter(table.Snapshot).WriteAsync([[1L, 5, 10L], [2L, null, 20L]]));

        Assert.Contains(dir.Path, e.Message, StringComparison.Ordinal);
        Assert.Contains("column 'qty' is NOT NULL", e.Message, StringComparison.Ordinal);
        Assert.Contains("row 1 of the file", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.parquet"));
    }

    [Fact]
    public async Task MergeRefusesANullInANotNullColumnNamingTheRowsKey()
    {
        using var dir = new TempDirectory();
        var table = await DeltaTable.CreateAsync(new TableLocation(new LocalFolderObjectStore(dir.Path)), Definition());
        var merge = new MergeWriter(table, new MergeOptions(["id"], "_cdc_position"));

        var e = await Assert.ThrowsAsync<DeltaException>(() => merge.MergeAsync([RowChange.Upsert([7L, 1, 10L]), RowChange.Upsert([42L, null, 11L])], "cdc-test", 1));

        Assert.Contains("column 'qty' is NOT NULL", e.Message, StringComparison.Ordinal);
        Assert.Contains("the row with key id=42", e.Message, StringComparison.Ordinal);
        Assert.Empty(table.Snapshot.Files);
        Assert.Null(table.Snapshot.GetAppTransactionVersion("cdc-test"));
    }
}
