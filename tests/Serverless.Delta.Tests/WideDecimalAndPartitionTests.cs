using System.Text.Json;
using Serverless.Delta.DataFiles;
using Serverless.Delta.Log;
using Serverless.Delta.Scanning;
using Serverless.Delta.Schema;
using Serverless.Parquet;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Delta.Tests;

/// <summary>DECIMAL(38, s) beyond System.Decimal, and partitioned tables under column mapping.</summary>
public sealed class WideDecimalAndPartitionTests
{
    private static readonly ParquetDecimal Max = ParquetDecimal.Parse("9999999999999999999999999999.9999999999");
    private static readonly ParquetDecimal Min = ParquetDecimal.Parse("-9999999999999999999999999999.9999999999");

    [Fact]
    public async Task Decimal38With10DigitsOfScaleWritesExactStatisticsAndReadsBackExactly()
    {
        using var dir = new TempDirectory();
        var table = await DeltaTable.CreateAsync(
            new TableLocation(new LocalFolderObjectStore(dir.Path)),
            new TableDefinition([new StructField("id", PrimitiveType.Long, false), new StructField("amount", new DecimalType(38, 10))]));
        var writer = new DataFileWriter(table.Snapshot);
        var small = ParquetDecimal.Parse("0.0000000001");
        var add = await writer.WriteAsync([[1L, Max], [2L, Min], [3L, small], [4L, null]]);
        await table.CommitAsync(table.BeginTransaction().Add(add));

        var physical = table.Snapshot.Schema.FindField("amount")!.PhysicalName;
        using (var stats = JsonDocument.Parse(add.Stats!))
        {
            Assert.Equal("9999999999999999999999999999.9999999999", stats.RootElement.GetProperty("maxValues").GetProperty(physical).GetRawText());
            Assert.Equal("-9999999999999999999999999999.9999999999", stats.RootElement.GetProperty("minValues").GetProperty(physical).GetRawText());
            Assert.Equal(1, stats.RootElement.GetProperty("nullCount").GetProperty(physical).GetInt64());
        }

        var snapshot = await new DeltaLog(new TableLocation(new LocalFolderObjectStore(dir.Path))).LoadAsync();
        var rows = new List<object?[]>();
        await foreach (var row in new DeltaScan(snapshot).ReadRowsAsync())
        {
            rows.Add(row);
        }

        Assert.Equal([Max, Min, small, null], rows.OrderBy(r => (long)r[0]!).Select(r => r[1]));

        // Pruning compares the exact bounds, beyond System.Decimal's range.
        var ones = await writer.WriteAsync([[5L, ParquetDecimal.Parse("1")], [6L, ParquetDecimal.Parse("2")]]);
        await table.CommitAsync(table.BeginTransaction().Add(ones));
        var nearMax = ParquetDecimal.Parse("9999999999999999999999999999.9999999998");
        Assert.Equal([add.Path], new DeltaScan(table.Snapshot).WhereBetween("amount", nearMax, null).PlanFiles().Select(f => f.Path));
        Assert.Equal([add.Path], new DeltaScan(table.Snapshot).WhereBetween("amount", null, Min).PlanFiles().Select(f => f.Path));
        Assert.Equal(2, new DeltaScan(table.Snapshot).WhereBetween("amount", ParquetDecimal.Parse("1.5"), ParquetDecimal.Parse("1.6")).PlanFiles().Count);
    }

    [Fact]
    public async Task NarrowDecimalsStillReadAsSystemDecimal()
    {
        Assert.IsType<decimal>(DeltaValues.FromParquet(new ParquetDecimal(12345, 2), new DecimalType(28, 2)));
        Assert.IsType<ParquetDecimal>(DeltaValues.FromParquet(new ParquetDecimal(12345, 2), new DecimalType(29, 2)));
        Assert.Equal(Max, DeltaValues.ParsePartitionValue(Max.ToString(), new DecimalType(38, 10)));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task PartitionedTableWithColumnMappingCommitsWithPhysicalPartitionKeysAndScansByLogicalName()
    {
        using var dir = new TempDirectory();
        var location = new TableLocation(new LocalFolderObjectStore(dir.Path));
        var table = await DeltaTable.CreateAsync(location, new TableDefinition([new StructField("id", PrimitiveType.Long, false), new StructField("region", PrimitiveType.String)]) { PartitionColumns = ["region"] });
        Assert.Equal(ColumnMappingMode.Name, table.Snapshot.ColumnMapping);
        var physical = table.Snapshot.Schema.FindField("region")!.PhysicalName;
        Assert.NotEqual("region", physical);

        var writer = new DataFileWriter(table.Snapshot);
        var eu = await writer.WriteAsync([[1L], [2L]], new Dictionary<string, string?> { ["region"] = "eu" });
        var us = await writer.WriteAsync([[3L]], new Dictionary<string, string?> { ["region"] = "us" });
        Assert.Equal("eu", eu.PartitionValues[physical]);
        await table.CommitAsync(table.BeginTransaction().Add(eu).Add(us));

        var snapshot = await new DeltaLog(new TableLocation(new LocalFolderObjectStore(dir.Path))).LoadAsync();
        var rows = new List<object?[]>();
        await foreach (var row in new DeltaScan(snapshot).Select("id", "region").WhereBetween("region", "eu", "eu").ReadRowsAsync())
        {
            rows.Add(row);
        }

        Assert.Equal([(1L, "eu"), (2L, "eu")], rows.Select(r => ((long)r[0]!, (string)r[1]!)).Order());

        // A file keyed by the logical name is refused with a message naming the expected physical key.
        var wrong = us with { Path = "other.parquet", PartitionValues = new Dictionary<string, string?> { ["region"] = "us" } };
        var error = await Assert.ThrowsAsync<DeltaException>(() => table.CommitAsync(table.BeginTransaction().Add(wrong)));
        Assert.Contains(physical, error.Message, StringComparison.Ordinal);
    }
}
