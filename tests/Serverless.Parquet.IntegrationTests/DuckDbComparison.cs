using System.Globalization;
using System.Text.Json;
using Serverless.Parquet;
using Serverless.Testing;
using Xunit;

namespace Serverless.Parquet.IntegrationTests;

/// <summary>
/// Compares what our reader decodes from a file with what DuckDB reads from it, value by value, through a canonical
/// text form (exact decimals, epoch microseconds and days, hex for binary, round-trip doubles).
/// </summary>
internal static class DuckDbComparison
{
    public static async Task<IReadOnlyList<DuckDb.Column>> DescribeAsync(string path)
    {
        var describe = await DuckDb.QueryAsync($"DESCRIBE SELECT * FROM read_parquet({DuckDb.Literal(path)}, hive_partitioning = false)");
        return describe.Rows.Select(r => new DuckDb.Column(r[0].GetString()!, r[1].GetString()!)).ToList();
    }

    /// <summary>
    /// Asserts our reader returns exactly the rows DuckDB returns, file by file in row order. All files must share
    /// one schema; they are compared in one DuckDB query to keep the suite fast.
    /// </summary>
    public static async Task AssertSameAsDuckDbAsync(params string[] paths)
    {
        var ours = new List<object?[]>();
        ParquetSchema? schema = null;
        foreach (var path in paths.Order(StringComparer.Ordinal))
        {
            using var reader = ParquetReader.Open(path);
            schema ??= reader.Schema;
            Assert.Equal(schema.Columns.Select(c => (c.Name, c.PhysicalType)), reader.Schema.Columns.Select(c => (c.Name, c.PhysicalType)));
            ours.AddRange(reader.ReadRows());
        }

        var select = string.Join(", ", schema!.Columns.Select(c => Expression(c.Name, DuckTypeOf(c))));
        var list = "[" + string.Join(", ", paths.Select(DuckDb.Literal)) + "]";
        var duck = await DuckDb.QueryAsync($"SELECT {select} FROM read_parquet({list}, filename = true, file_row_number = true, hive_partitioning = false) ORDER BY filename, file_row_number");
        Assert.Equal(duck.Rows.Count, ours.Count);
        for (var r = 0; r < ours.Count; r++)
        {
            for (var c = 0; c < schema.Count; c++)
            {
                var expected = FromDuck(duck.Rows[r][c]);
                var actual = Canonical(ours[r][c]);
                if (expected != actual)
                {
                    Assert.Fail($"{string.Join(", ", paths.Select(Path.GetFileName))}: row {r}, column '{schema[c].Name}': DuckDB reads {expected ?? "NULL"}, we read {actual ?? "NULL"}");
                }
            }
        }
    }

    /// <summary>The DuckDB type family our column maps to (enough to pick the canonical expression).</summary>
    private static string DuckTypeOf(ParquetColumn c) => c.LogicalType?.Kind switch
    {
        ParquetLogicalTypeKind.Date => "DATE",
        ParquetLogicalTypeKind.Timestamp => "TIMESTAMP",
        ParquetLogicalTypeKind.Time => "TIME",
        ParquetLogicalTypeKind.Decimal => "DECIMAL",
        _ when c.PhysicalType == ParquetPhysicalType.Int96 => "TIMESTAMP",
        _ when c.PhysicalType is ParquetPhysicalType.Float or ParquetPhysicalType.Double => "DOUBLE",
        _ when c.PhysicalType is ParquetPhysicalType.ByteArray or ParquetPhysicalType.FixedLenByteArray && !c.IsText => "BLOB",
        _ => "VARCHAR",
    };

    public static string Expression(string name, string duckType)
    {
        var q = "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        if (duckType is "FLOAT" or "DOUBLE")
        {
            return $"CAST({q} AS DOUBLE)";
        }

        if (duckType == "BLOB")
        {
            return $"hex({q})";
        }

        if (duckType == "DATE")
        {
            return $"CAST({q} - DATE '1970-01-01' AS VARCHAR)";
        }

        if (duckType.StartsWith("TIMESTAMP", StringComparison.Ordinal) || duckType.StartsWith("TIME", StringComparison.Ordinal))
        {
            return $"CAST(epoch_us({q}) AS VARCHAR)";
        }

        return $"CAST({q} AS VARCHAR)";
    }

    public static string? FromDuck(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Number => CanonicalDouble(value.GetDouble()),
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => value.GetRawText(),
    };

    public static string? Canonical(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        float f => CanonicalDouble(f),
        double d => CanonicalDouble(d),
        string s => s,
        byte[] bytes => Convert.ToHexString(bytes),
        DateOnly date => ParquetValues.ToUnixDays(date).ToString(CultureInfo.InvariantCulture),
        DateTime dt => ParquetValues.ToUnixMicros(dt).ToString(CultureInfo.InvariantCulture),
        TimeOnly t => (t.Ticks / 10).ToString(CultureInfo.InvariantCulture),
        ParquetDecimal d => d.ToString(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    public static string CanonicalDouble(double d) => d switch
    {
        double.NaN => "NaN",
        double.PositiveInfinity => "Infinity",
        double.NegativeInfinity => "-Infinity",
        0 => "0",
        _ => d.ToString("R", CultureInfo.InvariantCulture),
    };
}
