using System.Globalization;
using System.Text.Json;
using Serverless.Delta.Log;
using Serverless.Delta.Scanning;
using Serverless.Delta.Schema;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Delta.Tests;

/// <summary>
/// delta-rs test tables: our scan must return exactly the rows DuckDB decodes from the same live files (DuckDB reads
/// each Parquet file independently; we add the file's partition values and drop DV-deleted row numbers).
/// </summary>
public sealed class DeltaRsFixtureTests
{
    [Theory]
    [InlineData("rs-delta-0.8.0")]
    [InlineData("rs-delta-2.2.0-partitioned-types")]
    [InlineData("rs-simple_table")]
    [InlineData("rs-simple_table_with_checkpoint")]
    [InlineData("rs-table_with_edge_timestamps")]
    [InlineData("rs-table-without-dv-small")]
    [InlineData("rs-table-with-dv-small")]
    public async Task DeltaRsTableReadsToTheRowsDuckDbDecodesFromItsLiveFiles(string name)
    {
        var (ours, theirs) = await OursAndDuckDbsAsync(Path.Combine(RepoPaths.DeltaFixtures, name));
        Assert.NotEmpty(ours);
        Assert.Equal(theirs, ours);
    }

    /// <summary>The latest snapshot's rows as our scan reads them and as DuckDB decodes the live files (DVs applied), each as sorted "v|v|..." lines.</summary>
    internal static async Task<(List<string> Ours, List<string> DuckDb)> OursAndDuckDbsAsync(string root)
    {
        var location = new TableLocation(new LocalFolderObjectStore(root));
        var snapshot = await new DeltaLog(location).LoadAsync();
        var fields = snapshot.Schema.Fields;
        var partitions = snapshot.Metadata.PartitionColumns;

        var ours = new List<string>();
        await foreach (var row in new DeltaScan(snapshot).ReadRowsAsync())
        {
            ours.Add(string.Join("|", row.Select((v, i) => Normalize(v, fields[i].Type))));
        }

        // One DuckDB run over all live files; filename and file_row_number tie each row back to its add action.
        var byPath = snapshot.Files.ToDictionary(f => Path.GetFullPath(Path.Combine(root, Actions.DeltaPath.Decode(f.Path))), f => f);
        var deletedByPath = new Dictionary<string, HashSet<long>>();
        foreach (var (path, file) in byPath)
        {
            if (file.DeletionVector is not null)
            {
                deletedByPath[path] = (await DeletionVectors.DeletionVectorStore.ReadAsync(location, file.DeletionVector)).Values().ToHashSet();
            }
        }

        var select = string.Join(", ", fields.Where(f => !partitions.Contains(f.Name)).Select(DuckExpression));
        var list = "[" + string.Join(", ", byPath.Keys.Select(DuckDb.Literal)) + "]";
        var result = await DuckDb.QueryAsync($"SELECT filename, file_row_number, {select} FROM read_parquet({list}, filename = true, file_row_number = true, hive_partitioning = false, union_by_name = true)");
        var theirs = new List<string>();
        foreach (var r in result.Rows)
        {
            var file = byPath[Path.GetFullPath(r[0].GetString()!)];
            var rowNumber = long.Parse(r[1].ValueKind == JsonValueKind.String ? r[1].GetString()! : r[1].GetRawText(), CultureInfo.InvariantCulture);
            if (deletedByPath.TryGetValue(Path.GetFullPath(r[0].GetString()!), out var deleted) && deleted.Contains(rowNumber))
            {
                continue;
            }

            var k = 2;
            var values = new List<string>();
            foreach (var f in fields)
            {
                values.Add(partitions.Contains(f.Name)
                    ? Normalize(DeltaValues.ParsePartitionValue(file.PartitionValues[f.Name], f.Type), f.Type)
                    : FromDuck(r[k++], f.Type));
            }

            theirs.Add(string.Join("|", values));
        }

        return ([.. ours.Order(StringComparer.Ordinal)], [.. theirs.Order(StringComparer.Ordinal)]);
    }

    private static string DuckExpression(StructField f) => f.Type switch
    {
        PrimitiveType { Name: "timestamp" or "timestamp_ntz" } => $"CAST(epoch_us(\"{f.PhysicalName}\") AS VARCHAR)",
        PrimitiveType { Name: "binary" } => $"hex(\"{f.PhysicalName}\")",
        _ => $"CAST(\"{f.PhysicalName}\" AS VARCHAR)",
    };

    private static string FromDuck(JsonElement v, DeltaType type)
    {
        if (v.ValueKind == JsonValueKind.Null)
        {
            return "∅";
        }

        var s = v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText();
        var inv = CultureInfo.InvariantCulture;
        return type switch
        {
            PrimitiveType { Name: "timestamp" or "timestamp_ntz" } => long.Parse(s, inv).ToString(inv),
            PrimitiveType { Name: "binary" } => s.ToUpperInvariant(),
            PrimitiveType { Name: "double" or "float" } => double.Parse(s, inv).ToString("R", inv),
            DecimalType => (decimal.Parse(s, NumberStyles.Float, inv) / 1.0000000000000000000000000000m).ToString(inv),
            PrimitiveType { Name: "boolean" } => bool.Parse(s).ToString(),
            _ => s,
        };
    }

    private static string Normalize(object? v, DeltaType type)
    {
        var inv = CultureInfo.InvariantCulture;
        return v switch
        {
            null => "∅",
            DateTime dt => ((dt.Ticks - DateTime.UnixEpoch.Ticks) / 10).ToString(inv),
            byte[] b => Convert.ToHexString(b),
            double d => d.ToString("R", inv),
            float f => ((double)f).ToString("R", inv),
            decimal m => (m / 1.0000000000000000000000000000m).ToString(inv),
            DateOnly d => d.ToString("yyyy-MM-dd", inv),
            bool b => b.ToString(),
            IFormattable f => f.ToString(null, inv),
            _ => v.ToString() ?? string.Empty,
        };
    }
}
