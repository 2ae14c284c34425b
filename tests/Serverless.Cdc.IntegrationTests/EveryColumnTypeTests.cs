using System.Globalization;
using System.Text;
using System.Text.Json;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Schema;
using Serverless.Cdc.Snapshot;
using Serverless.MySql.Client;
using Serverless.MySql.Replication;
using Serverless.Parquet;
using Serverless.Storage.Local;
using Serverless.Testing;

namespace Serverless.Cdc.IntegrationTests;

/// <summary>
/// A table holding every MySQL/MariaDB column type at its edge values is read by <see cref="ChunkReader"/> into
/// Parquet; DuckDB reads the file, and each value is compared with the source's, both rendered to the same text
/// by the per-type expressions below (row 4 is all NULL).
/// </summary>
public sealed class EveryColumnTypeTests : IAsyncLifetime
{
    private enum Compare
    {
        Exact,
        AsDouble,
    }

    /// <summary>Column, definition, three rows of SQL values (low edge, high edge, special), source and lake renderings of {c}.</summary>
    private sealed record TypeCase(string Column, string Definition, string[] Values, string Source, string Lake, Compare Compare = Compare.Exact);

    private const string Int = "CAST({c} AS CHAR)";
    private const string IntLake = "CAST({c} AS VARCHAR)";
    private const string Same = "{c}";

    private static readonly string Nines28 = new('9', 28);
    private static readonly string Nines35 = new('9', 35);
    private static readonly string Nines30 = new('9', 30);

    private static readonly TypeCase[] Cases =
    [
        new("c_tinyint", "TINYINT", ["-128", "127", "0"], Int, IntLake),
        new("c_tinyint_u", "TINYINT UNSIGNED", ["0", "255", "1"], Int, IntLake),
        new("c_bool", "BOOLEAN", ["0", "1", "-1"], Int, IntLake),
        new("c_smallint", "SMALLINT", ["-32768", "32767", "0"], Int, IntLake),
        new("c_smallint_u", "SMALLINT UNSIGNED", ["0", "65535", "1"], Int, IntLake),
        new("c_mediumint", "MEDIUMINT", ["-8388608", "8388607", "0"], Int, IntLake),
        new("c_mediumint_u", "MEDIUMINT UNSIGNED", ["0", "16777215", "1"], Int, IntLake),
        new("c_int", "INT", ["-2147483648", "2147483647", "0"], Int, IntLake),
        new("c_int_u", "INT UNSIGNED", ["0", "4294967295", "1"], Int, IntLake),
        new("c_bigint", "BIGINT", ["-9223372036854775808", "9223372036854775807", "0"], Int, IntLake),
        new("c_bigint_u", "BIGINT UNSIGNED", ["0", "18446744073709551615", "1"], Int, IntLake),
        new("c_dec_10_2", "DECIMAL(10,2)", ["-99999999.99", "99999999.99", "0.01"], Int, IntLake),
        new("c_dec_18_4", "DECIMAL(18,4)", ["-99999999999999.9999", "99999999999999.9999", "-0.0001"], Int, IntLake),
        new("c_dec_38_10", "DECIMAL(38,10)", [$"-{Nines28}.9999999999", $"{Nines28}.9999999999", "0.0000000001"], Int, IntLake),
        new("c_dec_65_30", "DECIMAL(65,30)", [$"-{Nines35}.{Nines30}", $"{Nines35}.{Nines30}", "0.000000000000000000000000000001"], Int, Same),
        new("c_float", "FLOAT", ["-3.40282e38", "3.40282e38", "1.17549e-38"], "CAST(CAST({c} AS DOUBLE) AS CHAR)", "CAST(CAST({c} AS DOUBLE) AS VARCHAR)", Compare.AsDouble),
        new("c_double", "DOUBLE", ["-1.7976931348623157e308", "1.7976931348623157e308", "4.9e-324"], "CAST({c} AS CHAR)", "CAST({c} AS VARCHAR)", Compare.AsDouble),
        new("c_date", "DATE", ["'1000-01-01'", "'9999-12-31'", "'0000-00-00'"], "NULLIF(CAST({c} AS CHAR), '0000-00-00')", "CAST({c} AS VARCHAR)"),
        new(
            "c_datetime",
            "DATETIME(6)",
            ["'1000-01-01 00:00:00.000000'", "'9999-12-31 23:59:59.999999'", "'0000-00-00 00:00:00'"],
            "CASE WHEN {c} = '0000-00-00 00:00:00' THEN NULL ELSE DATE_FORMAT({c}, '%Y-%m-%d %H:%i:%s.%f') END",
            "strftime({c}, '%Y-%m-%d %H:%M:%S.%f')"),
        new(
            "c_timestamp",
            "TIMESTAMP(6) NULL DEFAULT NULL",
            ["'1970-01-01 00:00:01.000000'", "'2038-01-19 03:14:07.999999'", "'0000-00-00 00:00:00'"],
            "CASE WHEN {c} = '0000-00-00 00:00:00' THEN NULL ELSE CAST(UNIX_TIMESTAMP({c}) * 1000000 AS SIGNED) END",
            "CAST(epoch_us({c}) AS VARCHAR)"),
        new("c_time", "TIME(6)", ["'-838:59:59.000000'", "'838:59:59.000000'", "'-00:00:00.000001'"], "CAST({c} AS CHAR)", Same),
        new("c_year", "YEAR", ["1901", "2155", "0"], "CAST({c} + 0 AS CHAR)", IntLake),
        new("c_char", "CHAR(10)", ["''", "'😀😀😀😀😀😀😀😀😀😀'", "'a b'"], Same, Same),
        new("c_varchar", "VARCHAR(100)", ["''", "'héllo wörld 😀 日本語'", "'quote '' back\\\\slash \\ttab \\0nul'"], Same, Same),
        new("c_latin1", "VARCHAR(20) CHARACTER SET latin1", ["''", "'café ÿ'", "'€'"], Same, Same),
        new("c_text", "TEXT", ["''", "REPEAT('ab😀', 9000)", "'🎉 party'"], Same, Same),
        new("c_longtext", "LONGTEXT", ["''", "REPEAT('z', 200000)", "'x'"], Same, Same),
        new("c_enum", "ENUM('a','b','c d')", ["'a'", "'c d'", "'b'"], Same, Same),
        new("c_set", "SET('x','y','z')", ["''", "'x,y,z'", "'y'"], Same, Same),
        new("c_json", "JSON", ["'{}'", "'[1,2,{\"b\":\"😀\",\"n\":null}]'", "'null'"], Same, Same),
        new("c_binary", "BINARY(4)", ["X'00000000'", "X'FFFFFFFF'", "X'00FF'"], "HEX({c})", "hex({c})"),
        new("c_varbinary", "VARBINARY(10)", ["X''", "X'000102FF00'", "X'00'"], "HEX({c})", "hex({c})"),
        new("c_blob", "BLOB", ["X''", "REPEAT(X'00FF', 30000)", "X'00'"], "HEX({c})", "hex({c})"),
        new("c_bit1", "BIT(1)", ["b'0'", "b'1'", "b'1'"], "CAST({c} + 0 AS CHAR)", "CAST(CAST({c} AS INTEGER) AS VARCHAR)"),
        new("c_bit10", "BIT(10)", ["b'0'", "b'1111111111'", "b'1010'"], "CAST({c} + 0 AS CHAR)", IntLake),
        new("c_bit64", "BIT(64)", ["b'0'", "b'" + new string('1', 64) + "'", "b'1'"], "CAST(CAST({c} AS SIGNED) AS CHAR)", IntLake),
        new("c_point", "POINT", ["POINT(0, 0)", "POINT(-180.5, 90.25)", "ST_GeomFromText('POINT(1e300 -1e-300)')"], "HEX(ST_AsWKB({c}))", "hex({c})"),
        new(
            "c_geometry",
            "GEOMETRY",
            ["ST_GeomFromText('LINESTRING(0 0, 1 1, 2 0)')", "ST_GeomFromText('POLYGON((0 0, 4 0, 4 4, 0 4, 0 0))')", "ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 2))')"],
            "HEX(ST_AsWKB({c}))",
            "hex({c})"),
        new("c_inet6", "INET6", ["'::'", "'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'", "'::ffff:1.2.3.4'"], "CAST({c} AS CHAR)", Same),
        new("c_uuid", "UUID", ["'00000000-0000-0000-0000-000000000000'", "'ffffffff-ffff-ffff-ffff-ffffffffffff'", "'123e4567-e89b-12d3-a456-426614174000'"], "CAST({c} AS CHAR)", Same),
    ];

    private SourceDatabase db = null!;

    public async Task InitializeAsync()
    {
        db = await SourceDatabase.CreateAsync("cdc_it_types");
        await db.Admin.ExecuteAsync(
            "CREATE TABLE every_type (id INT PRIMARY KEY, " + string.Join(", ", Cases.Select(c => $"{c.Column} {c.Definition}")) + ")");
        for (var row = 0; row < 3; row++)
        {
            await db.Admin.ExecuteAsync(
                $"INSERT INTO every_type (id, {string.Join(", ", Cases.Select(c => c.Column))}) VALUES ({row + 1}, {string.Join(", ", Cases.Select(c => c.Values[row]))})");
        }

        await db.Admin.ExecuteAsync("INSERT INTO every_type (id) VALUES (4)");
    }

    public async Task DisposeAsync() => await db.DisposeAsync();

    [Fact]
    public async Task EveryTypeAtItsEdgesReadsBackFromParquetEqualToTheSource()
    {
        var selection = new TableSelection { Include = [TablePattern.TryParse(db.Name + ".every_type", out _)!] };
        var table = Assert.Single(await SchemaDiscovery.DiscoverAsync(db.Admin, selection));
        var mapping = TypeMapper.Map(table);
        var chunk = Assert.Single(await new ChunkPlanner().PlanAsync(db.Admin, table, 1000));
        using var lake = new TempDirectory("cdc-it-types");
        var store = new LocalFolderObjectStore(lake.Path);

        var result = await new ChunkReader(SourceDatabase.AdminOptions(), store).ReadAsync(chunk, mapping, "shop_every_type");

        Assert.Equal(4, result.Rows);
        var file = Assert.Single(result.Files);
        Assert.Equal(4, file.Rows);
        var path = Path.Combine(lake.Path, file.Path);
        Assert.True(File.Exists(path), path);

        // Source side: each case rendered by MariaDB.
        var sourceRows = await db.Admin.QueryTextRowsAsync(
            "SELECT " + string.Join(", ", Cases.Select(c => c.Source.Replace("{c}", c.Column, StringComparison.Ordinal) + " AS " + c.Column)) + " FROM every_type ORDER BY id");

        // Lake side: the same renderings by DuckDB over the Parquet file.
        var lakeResult = await DuckDb.QueryAsync(
            "SELECT " + string.Join(", ", Cases.Select(c => "CAST(" + c.Lake.Replace("{c}", c.Column, StringComparison.Ordinal) + " AS VARCHAR) AS " + c.Column)) +
            $" FROM read_parquet({DuckDb.Literal(path)}) ORDER BY id");

        Assert.Equal(4, lakeResult.Rows.Count);
        var mismatches = new StringBuilder();
        for (var row = 0; row < 4; row++)
        {
            for (var c = 0; c < Cases.Length; c++)
            {
                var expected = sourceRows[row][c];
                var actualElement = lakeResult.Rows[row][c];
                var actual = actualElement.ValueKind == JsonValueKind.Null ? null : actualElement.GetString();
                if (!Equal(Cases[c].Compare, expected, actual))
                {
                    mismatches.AppendLine(CultureInfo.InvariantCulture, $"row {row + 1} {Cases[c].Column} ({Cases[c].Definition}): source '{Shorten(expected)}' lake '{Shorten(actual)}'");
                }
            }
        }

        Assert.True(mismatches.Length == 0, "Values differ:\n" + mismatches);

        // Zero dates became null; the all-NULL row stayed null; nothing else is null.
        Assert.Null(sourceRows[2][Array.FindIndex(Cases, c => c.Column == "c_date")]);
        Assert.All(sourceRows[3], Assert.Null);

        // Types as DuckDB sees them in the file.
        var types = (await DuckDb.QueryAsync($"DESCRIBE SELECT * FROM read_parquet({DuckDb.Literal(path)})")).Rows
            .ToDictionary(r => r[0].GetString()!, r => r[1].GetString()!);
        Assert.Equal("TINYINT", types["c_tinyint"]);
        Assert.Equal("SMALLINT", types["c_tinyint_u"]);
        Assert.Equal("DECIMAL(20,0)", types["c_bigint_u"]);
        Assert.Equal("DECIMAL(38,10)", types["c_dec_38_10"]);
        Assert.Equal("VARCHAR", types["c_dec_65_30"]);
        Assert.Equal("FLOAT", types["c_float"]);
        Assert.Equal("DATE", types["c_date"]);
        Assert.Equal("TIMESTAMP", types["c_datetime"]);
        Assert.Equal("TIMESTAMP WITH TIME ZONE", types["c_timestamp"]);
        Assert.Equal("BOOLEAN", types["c_bit1"]);
        Assert.Equal("BLOB", types["c_point"]);
        Assert.Equal("DECIMAL(38,0)", types[CdcColumns.Position]);

        // Every row carries the chunk's position and snapshot time.
        var meta = await DuckDb.QueryAsync(
            $"SELECT DISTINCT CAST(_cdc_position AS VARCHAR), CAST(epoch_us(_cdc_ts) AS VARCHAR) FROM read_parquet({DuckDb.Literal(path)})");
        var only = Assert.Single(meta.Rows);
        Assert.Equal(BinlogPosition.Parse(result.Position).SortKey.ToString(CultureInfo.InvariantCulture), only[0].GetString());
        Assert.Equal(result.PositionSortKey, only[0].GetString());
        Assert.Equal(((result.SnapshotTimeUtc.Ticks - DateTime.UnixEpoch.Ticks) / 10).ToString(CultureInfo.InvariantCulture), only[1].GetString());

        // Stats: Delta JSON with numRecords and min/max of the key.
        using var stats = JsonDocument.Parse(file.DeltaStats);
        Assert.Equal(4, stats.RootElement.GetProperty("numRecords").GetInt64());
        Assert.Equal(1, stats.RootElement.GetProperty("minValues").GetProperty("id").GetInt64());
        Assert.Equal(4, stats.RootElement.GetProperty("maxValues").GetProperty("id").GetInt64());
        Assert.Equal(2, stats.RootElement.GetProperty("nullCount").GetProperty("c_date").GetInt64());
        Assert.Equal("1000-01-01", stats.RootElement.GetProperty("minValues").GetProperty("c_date").GetString());
    }

    [Theory]
    [InlineData(BitMapping.Long, null)]
    [InlineData(BitMapping.Binary, "2000-01-02")]
    public async Task BinaryRowsConvertToTheSameParquetBytesAsTextRows(BitMapping multiBit, string? zeroDate)
    {
        var types = new TypeMappingOptions
        {
            Time = TimeMapping.Microseconds,
            MultiBit = multiBit,
            ZeroDateValue = zeroDate is null ? null : DateOnly.Parse(zeroDate, CultureInfo.InvariantCulture),
        };
        var selection = new TableSelection { Include = [TablePattern.TryParse(db.Name + ".every_type", out _)!] };
        var table = Assert.Single(await SchemaDiscovery.DiscoverAsync(db.Admin, selection));
        var mapping = TypeMapper.Map(table, types);
        var sql = $"SELECT {string.Join(", ", mapping.Columns.Select(c => c.SelectExpression))} FROM {SqlText.Table(db.Name, "every_type")} ORDER BY id";
        await using var connection = await MySqlConnection.OpenAsync(SourceDatabase.AdminOptions());
        await connection.ExecuteAsync("SET NAMES utf8mb4, time_zone = '+00:00'");

        var text = await ConvertAsync(mapping, new RowConverter(mapping, types), await connection.QueryAsync(sql));
        byte[] binary;
        byte[] binaryCdcOncePerBatch;
        byte[] binaryWalked;
        await using (var statement = await connection.PrepareAsync(sql))
        {
            var converter = RowConverter.ForBinaryRows(mapping, statement.Columns, types);
            Assert.NotNull(converter);
            binary = await ConvertAsync(mapping, converter, await statement.ExecuteAsync());
            binaryCdcOncePerBatch = await ConvertAsync(mapping, converter, await statement.ExecuteAsync(), RowPath.CdcOncePerBatch);
            binaryWalked = await ConvertAsync(mapping, converter, await statement.ExecuteAsync(), RowPath.ChunkReader);
        }

        Assert.True(text.Length > 1000, $"{text.Length} bytes");
        Assert.Equal(text, binary);

        // Source values per row, the CDC columns as one repeated value per batch.
        Assert.Equal(text, binaryCdcOncePerBatch);

        // The chunk reader's path: each binary row walked once by the converter, the reader's split deferred.
        Assert.Equal(text, binaryWalked);

        // TIME as the server's text has no binary form that gives the same string: such a table is read as a query.
        await using var timeAsText = await connection.PrepareAsync(sql);
        Assert.Null(RowConverter.ForBinaryRows(TypeMapper.Map(table, types with { Time = TimeMapping.String }), timeAsText.Columns, types));
    }

    private enum RowPath
    {
        /// <summary>Every column per row (<see cref="RowConverter.AppendRow(MySqlRawRow, ParquetRowBatch, ReadOnlySpan{byte}, long)"/>).</summary>
        RowByRow,

        /// <summary>Source values per row from <see cref="MySqlResultReader.CurrentRow"/>, the CDC columns after the rows.</summary>
        CdcOncePerBatch,

        /// <summary>As the chunk reader: the converter reads the reader's rows itself (binary rows in one pass), the CDC columns after the rows.</summary>
        ChunkReader,
    }

    /// <summary>Every row of <paramref name="reader"/> through <paramref name="converter"/> into one Parquet file's bytes, by <paramref name="path"/>.</summary>
    private static async Task<byte[]> ConvertAsync(TableMapping mapping, RowConverter converter, MySqlResultReader reader, RowPath path = RowPath.RowByRow)
    {
        await using (reader)
        {
            var batch = new ParquetRowBatch(mapping.ParquetSchema, 16);
            var position = RowConverter.EncodePosition(12_345u);
            reader.DeferBinaryFieldSplit = path == RowPath.ChunkReader;
            while (await reader.ReadAsync())
            {
                switch (path)
                {
                    case RowPath.CdcOncePerBatch:
                        converter.AppendSourceValues(reader.CurrentRow, batch);
                        break;
                    case RowPath.ChunkReader:
                        converter.AppendSourceValues(reader, batch);
                        converter.AppendBufferedSourceValues(reader, batch, int.MaxValue);
                        break;
                    default:
                        converter.AppendRow(reader.CurrentRow, batch, position, 1_700_000_000_000_000);
                        break;
                }
            }

            if (path != RowPath.RowByRow)
            {
                converter.AppendCdcValues(batch, position, 1_700_000_000_000_000);
            }

            using var file = new MemoryStream();
            using (var writer = new ParquetWriter(file, mapping.ParquetSchema, new ParquetWriterOptions { CreatedBy = "test" }, leaveOpen: true))
            {
                writer.WriteBatch(batch);
                writer.Complete();
            }

            return file.ToArray();
        }
    }

    private static bool Equal(Compare compare, string? expected, string? actual)
    {
        if (expected is null || actual is null)
        {
            return expected is null && actual is null;
        }

        return compare == Compare.AsDouble
            ? double.Parse(expected, CultureInfo.InvariantCulture) == double.Parse(actual, CultureInfo.InvariantCulture)
            : string.Equals(expected, actual, StringComparison.Ordinal);
    }

    private static string? Shorten(string? s) => s is null ? "NULL" : s.Length > 80 ? s[..80] + $"... ({s.Length} chars)" : s;
}
