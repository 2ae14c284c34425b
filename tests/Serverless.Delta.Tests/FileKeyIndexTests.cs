using Serverless.Delta.DataFiles;
using Serverless.Delta.Merge;
using Serverless.Delta.Schema;
using Serverless.Parquet;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Delta.Tests;

/// <summary>The typed key index (a single integral key column, unboxed positions) answers as the general boxed one does.</summary>
public sealed class FileKeyIndexTests
{
    public static TheoryData<string, string> KeyAndPositionTypes => new()
    {
        { "long", "decimal(38,0)" },
        { "integer", "long" },
        { "short", "decimal(18,2)" },
        { "long", "string" },
    };

    private static DeltaType TypeOf(string name) => name switch
    {
        "decimal(38,0)" => new DecimalType(38, 0),
        "decimal(18,2)" => new DecimalType(18, 2),
        _ => PrimitiveType.FromName(name)!,
    };

    private static object? KeyValue(string type, long? value) => value is not { } v ? null : type switch
    {
        "integer" => (object)(int)v,
        "short" => (object)(short)v,
        _ => (object)v,
    };

    private static object PositionValue(string type, int row) => type switch
    {
        "decimal(38,0)" => (object)new ParquetDecimal(Int128.Parse("12345678901234567890123", System.Globalization.CultureInfo.InvariantCulture) + row, 0),
        "decimal(18,2)" => (object)new ParquetDecimal(row * 101, 2),
        "string" => "p" + row.ToString("D6", System.Globalization.CultureInfo.InvariantCulture),
        _ => (object)((long)row * 7),
    };

    [Theory]
    [MemberData(nameof(KeyAndPositionTypes))]
    public async Task TypedIndexFindsTheSameRowsAndPositionsAsTheGeneralIndex(string keyType, string positionType)
    {
        using var dir = new TempDirectory();
        var fields = new[]
        {
            new StructField("id", TypeOf(keyType), nullable: true),
            new StructField("v", PrimitiveType.String),
            new StructField("_cdc_position", TypeOf(positionType), nullable: true),
        };
        var table = await DeltaTable.CreateAsync(new TableLocation(new LocalFolderObjectStore(dir.Path)), new TableDefinition(fields));

        // Keys in random order with duplicates (a key twice or three times), nulls, negatives and both ends of the type;
        // small pages and row groups, so the file is read in several batches.
        var random = new Random(13);
        var keys = new List<long?>();
        for (var i = 0; i < 3000; i++)
        {
            keys.Add(random.Next(10) == 0 ? null : random.Next(-2000, 2000));
        }

        long min = keyType == "short" ? short.MinValue : keyType == "integer" ? int.MinValue : long.MinValue;
        long max = keyType == "short" ? short.MaxValue : keyType == "integer" ? int.MaxValue : long.MaxValue;
        keys.AddRange([min, max, 0, min]);
        var rows = keys.Select((k, i) => new object?[] { KeyValue(keyType, k), "v" + i, i % 97 == 0 ? null : PositionValue(positionType, i) }).ToList();
        var writer = new DataFileWriter(table.Snapshot, new ParquetWriterOptions { MaxRowsPerPage = 500, RowGroupTargetBytes = 8 * 1024 });
        var file = await writer.WriteAsync(rows);
        await table.CommitAsync(table.BeginTransaction().Add(file));

        var keyFields = new[] { table.Snapshot.Schema.Fields[0] };
        var positionField = table.Snapshot.Schema.Fields[2];
        var typed = await FileKeyIndex.BuildAsync(table.Snapshot, file, keyFields, positionField, CancellationToken.None);
        var general = await FileKeyIndex.BuildAsync(table.Snapshot, file, keyFields, positionField, CancellationToken.None, general: true);

        Assert.Equal(rows.Count, typed.RowCount);
        Assert.Equal(general.RowCount, typed.RowCount);
        for (var row = 0; row < rows.Count; row++)
        {
            Assert.Equal(general.PositionAt(row), typed.PositionAt(row));
        }

        Assert.Equal(rows[5][2] is null ? null : Scanning.DeltaValues.FromParquet(rows[5][2], positionField.Type), typed.PositionAt(5));
        var probes = keys.Distinct().Concat([3000L, -3000L, min + 1, max - 1]).Select(k => new MergeKey([KeyValue(keyType, k)]));
        var fromTyped = new List<int>();
        var fromGeneral = new List<int>();
        var duplicates = 0;
        foreach (var probe in probes)
        {
            typed.FindRows(probe, fromTyped);
            general.FindRows(probe, fromGeneral);
            Assert.Equal(fromGeneral, fromTyped);
            Assert.All(fromTyped, r => Assert.Equal(probe.Values[0], rows[r][0]));
            duplicates += fromTyped.Count > 1 ? 1 : 0;
        }

        Assert.True(duplicates > 100, $"the file should hold keys more than once; {duplicates} did");
        typed.FindRows(new MergeKey([null]), fromTyped);
        Assert.Equal(keys.Count(k => k is null), fromTyped.Count);
    }
}
