using Serverless.Delta;
using Serverless.Delta.Actions;
using Serverless.Delta.DataFiles;
using Serverless.Delta.Schema;
using Serverless.Parquet;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Cli.Tests;

/// <summary>`delta cat` on tables written by our Delta library: exact value text for every type, DVs applied, time travel.</summary>
public sealed class WrittenTableCatTests
{
    [Fact]
    public async Task CsvPrintsEveryTypeExactlyAndSkipsTheRowTheDeletionVectorDeletes()
    {
        using var dir = new TempDirectory();
        await WrittenTables.WriteAllTypesTableAsync(new LocalFolderObjectStore(dir.Path));

        var result = await CliRunner.RunAsync("delta", "cat", dir.Path);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Join("\r\n", WrittenTables.WithoutSecondRow(WrittenTables.AllTypesCsv, hasHeader: true)) + "\r\n", result.Out);
    }

    [Fact]
    public async Task JsonLinesPrintEveryTypeExactly()
    {
        using var dir = new TempDirectory();
        await WrittenTables.WriteAllTypesTableAsync(new LocalFolderObjectStore(dir.Path));

        var result = await CliRunner.RunAsync("delta", "cat", dir.Path, "--format", "json", "--version", "1");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(WrittenTables.AllTypesJson, result.Lines());
    }

    [Fact]
    public async Task VersionOneStillHoldsTheRowThatVersionTwoDeleted()
    {
        using var dir = new TempDirectory();
        await WrittenTables.WriteAllTypesTableAsync(new LocalFolderObjectStore(dir.Path));

        var v1 = await CliRunner.RunAsync("delta", "cat", dir.Path, "--version", "1", "--columns", "id");
        var v2 = await CliRunner.RunAsync("delta", "cat", dir.Path, "--version", "2", "--columns", "id");
        var v0 = await CliRunner.RunAsync("delta", "cat", dir.Path, "--version", "0", "--columns", "id");

        Assert.Equal(["id", "1", "2", "3", "4"], v1.Lines("\r\n"));
        Assert.Equal(["id", "1", "3", "4"], v2.Lines("\r\n"));
        Assert.Equal(["id"], v0.Lines("\r\n"));
    }

    [Fact]
    public async Task ColumnsProjectAndReorder()
    {
        using var dir = new TempDirectory();
        await WrittenTables.WriteAllTypesTableAsync(new LocalFolderObjectStore(dir.Path));

        var result = await CliRunner.RunAsync("delta", "cat", dir.Path, "--columns", "name, id", "--format", "json");

        Assert.Equal(["""{"name":"plain","id":"1"}""", """{"name":null,"id":"3"}""", """{"name":"","id":"4"}"""], result.Lines());
    }

    [Fact]
    public async Task TimestampSelectsTheLatestVersionCommittedBeforeIt()
    {
        using var dir = new TempDirectory();
        await WrittenTables.WriteAllTypesTableAsync(new LocalFolderObjectStore(dir.Path));

        var future = await CliRunner.RunAsync("delta", "cat", dir.Path, "--columns", "id", "--timestamp", DateTimeOffset.UtcNow.AddDays(1).ToString("O"));
        var past = await CliRunner.RunAsync("delta", "cat", dir.Path, "--timestamp", "2000-01-01T00:00:00Z");

        Assert.Equal(["id", "1", "3", "4"], future.Lines("\r\n"));
        Assert.Equal(1, past.ExitCode);
        Assert.Contains("no version committed at or before", past.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DecimalsBeyondSystemDecimalPrintExactlyFromTheParquetValues()
    {
        // Thirty-eight digits do not fit System.Decimal; a Spark-written file can hold them, so the file is written here
        // with the Parquet writer directly (the library's DataFileWriter computes stats through System.Decimal).
        using var dir = new TempDirectory();
        var store = new LocalFolderObjectStore(dir.Path);
        var field = new StructField("big", new DecimalType(38, 6));
        var table = await DeltaTable.CreateAsync(new TableLocation(store), new TableDefinition([field]) { Mode = TableProtocolMode.CopyOnWrite });
        var schema = new ParquetSchema(DataFileWriter.ToParquet(field, withFieldId: false));
        var batch = new ParquetRowBatch(schema);
        batch.AppendRow(ParquetDecimal.Parse("12345678901234567890123456789012.345678"));
        batch.AppendRow(ParquetDecimal.Parse("-99999999999999999999999999999999.999999"));
        using var bytes = new MemoryStream();
        using (var writer = new ParquetWriter(bytes, schema, leaveOpen: true))
        {
            writer.WriteBatch(batch);
            writer.Complete();
        }

        var info = await store.PutIfAbsentAsync("part-00000-big.parquet", bytes.ToArray());
        await table.CommitAsync(table.BeginTransaction().Add(new AddFile("part-00000-big.parquet", new Dictionary<string, string?>(), info.Size, 0, true)));

        var result = await CliRunner.RunAsync("delta", "cat", dir.Path);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["big", "12345678901234567890123456789012.345678", "-99999999999999999999999999999999.999999"], result.Lines("\r\n"));
    }

    [Fact]
    public async Task PartitionValuesPrintWithTheirColumnTypes()
    {
        using var dir = new TempDirectory();
        var table = await DeltaTable.CreateAsync(
            new TableLocation(new LocalFolderObjectStore(dir.Path)),
            new TableDefinition([new StructField("id", PrimitiveType.Long), new StructField("day", PrimitiveType.Date), new StructField("amount", new DecimalType(9, 3))]) { PartitionColumns = ["day", "amount"], Mode = TableProtocolMode.CopyOnWrite });
        var writer = new DataFileWriter(table.Snapshot);
        var file = await writer.WriteAsync([[7L]], new Dictionary<string, string?> { ["day"] = "2024-03-01", ["amount"] = "2.5" });
        var nulls = await writer.WriteAsync([[8L]], new Dictionary<string, string?> { ["day"] = null, ["amount"] = null });
        await table.CommitAsync(table.BeginTransaction().Add(file).Add(nulls));

        var result = await CliRunner.RunAsync("delta", "cat", dir.Path, "--format", "json");

        Assert.Equal(
            ["""{"id":"7","day":"2024-03-01","amount":"2.500"}""", """{"id":"8","day":null,"amount":null}"""],
            result.Lines().Order(StringComparer.Ordinal));
    }
}
