using Serverless.Delta.Actions;
using Serverless.Delta.Merge;
using Serverless.Delta.Scanning;
using Serverless.Delta.Schema;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Delta.Tests;

/// <summary>A batch appended column by column (<see cref="ChangeColumns"/>) merges like the same changes given as rows.</summary>
public sealed class ChangeColumnsTests
{
    private static readonly MergeOptions Keyed = new(["id"], "_cdc_position") { KeepTombstones = false };

    private static TableDefinition Definition() => new(
    [
        new StructField("id", PrimitiveType.Long, false),
        new StructField("name", PrimitiveType.String),
        new StructField("v", PrimitiveType.Integer),
        new StructField("_cdc_position", new DecimalType(38, 0), false),
    ]);

    private static async Task<DeltaTable> CreateAsync(string folder) =>
        await DeltaTable.CreateAsync(new TableLocation(new LocalFolderObjectStore(folder)), Definition());

    [Fact]
    public async Task ABatchAppendedColumnByColumnWritesTheSameFilesAsTheSameChangesGivenAsRows()
    {
        using var dir = new TempDirectory();
        var byRows = await CreateAsync(Path.Combine(dir.Path, "rows"));

        // A copy of the same table: the same physical column names (column mapping names them at random).
        Directory.CreateDirectory(Path.Combine(dir.Path, "columns", "_delta_log"));
        foreach (var file in Directory.GetFiles(Path.Combine(dir.Path, "rows", "_delta_log")))
        {
            File.Copy(file, Path.Combine(dir.Path, "columns", "_delta_log", Path.GetFileName(file)));
        }

        var byColumns = await DeltaTable.OpenAsync(new TableLocation(new LocalFolderObjectStore(Path.Combine(dir.Path, "columns"))));
        var rowWriter = new MergeWriter(byRows, Keyed);
        var columnWriter = new MergeWriter(byColumns, Keyed);
        var random = new Random(3);
        long position = 0;
        for (var b = 1; b <= 4; b++)
        {
            var rows = new List<RowChange>();
            var batch = columnWriter.NewBatch(4);
            for (var i = 0; i < 300; i++)
            {
                var id = (long)random.Next(500);
                var name = random.Next(4) == 0 ? null : "name-" + random.Next(50);
                int? v = random.Next(5) == 0 ? null : random.Next();
                var delete = random.Next(6) == 0;
                position += random.Next(1, 3);
                rows.Add(new RowChange(delete, [id, name, v, new Parquet.ParquetDecimal(position, 0)]));

                var columns = batch.Columns;
                columns[0].Append(id);
                columns[1].Append(name);
                if (v is { } value)
                {
                    columns[2].Append(value);
                }
                else
                {
                    columns[2].AppendNull();
                }

                columns[3].Append(new Parquet.ParquetDecimal(position, 0));
                batch.EndRow(delete);
            }

            var fromRows = await rowWriter.MergeAsync(rows, "w", b);
            var fromColumns = await columnWriter.MergeAsync(batch, "w", b);
            Assert.Equal(
                (fromRows.RowsWritten, fromRows.RowsDeleted, fromRows.ChangesDropped, fromRows.FilesTouched),
                (fromColumns.RowsWritten, fromColumns.RowsDeleted, fromColumns.ChangesDropped, fromColumns.FilesTouched));
        }

        // The same data files in the same order, byte for byte (their names are random).
        var rowFiles = byRows.Snapshot.Files.Select(f => File.ReadAllBytes(Path.Combine(dir.Path, "rows", DeltaPath.Decode(f.Path)))).ToList();
        var columnFiles = byColumns.Snapshot.Files.Select(f => File.ReadAllBytes(Path.Combine(dir.Path, "columns", DeltaPath.Decode(f.Path)))).ToList();
        Assert.Equal(4, rowFiles.Count);
        Assert.Equal(rowFiles.Count, columnFiles.Count);
        for (var i = 0; i < rowFiles.Count; i++)
        {
            Assert.True(rowFiles[i].AsSpan().SequenceEqual(columnFiles[i]), $"data file {i} differs");
        }

        Assert.Equal(await LiveRowsAsync(byRows), await LiveRowsAsync(byColumns));
    }

    [Fact]
    public async Task AValueAColumnCannotTakeLeavesTheBatchAsItWas()
    {
        using var dir = new TempDirectory();
        var batch = new MergeWriter(await CreateAsync(dir.Path), Keyed).NewBatch();
        batch.Add(RowChange.Upsert([1L, "a", 1, new Parquet.ParquetDecimal(1, 0)]));

        Assert.Throws<ArgumentException>(() => batch.Add(RowChange.Upsert([2L, "b", "not a number", new Parquet.ParquetDecimal(2, 0)])));
        Assert.Equal(1, batch.Count);
        Assert.All(batch.Columns.ToArray(), c => Assert.Equal(1, c.Count));

        batch.Columns[0].Append(3L);
        var e = Assert.Throws<InvalidOperationException>(() => batch.EndRow(isDelete: false));
        Assert.Contains("got 0 values for row 1 of the batch", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, batch.Count);
        Assert.All(batch.Columns.ToArray(), c => Assert.Equal(1, c.Count));

        batch.Add(RowChange.Delete([4L, null, null, new Parquet.ParquetDecimal(4, 0)]));
        Assert.Equal((2, false, true), (batch.Count, batch.IsDelete(0), batch.IsDelete(1)));
    }

    [Fact]
    public async Task ABatchMadeBeforeTheTableGainedAColumnIsRefusedNamingTheFix()
    {
        using var dir = new TempDirectory();
        var table = await CreateAsync(dir.Path);
        var writer = new MergeWriter(table, Keyed);
        var batch = writer.NewBatch();
        batch.Add(RowChange.Upsert([1L, "a", 1, new Parquet.ParquetDecimal(1, 0)]));
        var added = SchemaEvolution.AddColumn(table.Snapshot, new StructField("extra", PrimitiveType.Integer));
        await table.CommitAsync(table.BeginTransaction("ADD COLUMNS").UpdateMetadata(added.Metadata));

        var e = await Assert.ThrowsAsync<DeltaException>(() => writer.MergeAsync(batch, "w", 1));
        Assert.Contains("Make a new batch (MergeWriter.NewBatch)", e.Message, StringComparison.Ordinal);
        Assert.Null(table.Snapshot.GetAppTransactionVersion("w"));
    }

    private static async Task<List<string>> LiveRowsAsync(DeltaTable table)
    {
        var rows = new List<string>();
        await foreach (var row in new DeltaScan(table.Snapshot).Select("id", "name", "v", "_cdc_position").ReadRowsAsync())
        {
            rows.Add(string.Join("|", row.Select(v => v?.ToString() ?? "null")));
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }
}
