using System.Text;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Schema;
using Serverless.Cdc.Snapshot;
using Serverless.Cdc.Writer;
using Serverless.Delta;
using Serverless.Delta.Actions;
using Serverless.Delta.Scanning;

namespace Serverless.Cdc.IntegrationTests.Writer;

/// <summary>
/// The same source rows reach the lake twice: by the snapshot (<see cref="ChunkReader"/>, the server's text) and by the
/// stream (the binlog's binary values, <see cref="ChangeRowConverter"/> through <see cref="PartitionWriter"/>). Every
/// column of every row must read back as the same value, so a table is the same whichever path wrote a row.
/// </summary>
public sealed class StreamedValuesEqualSnapshotTests
{
    private static readonly (string Column, string Definition, string[] Values)[] Columns =
    [
        ("c_tinyint", "TINYINT", ["-128", "127", "-1"]),
        ("c_tinyint_u", "TINYINT UNSIGNED", ["0", "255", "128"]),
        ("c_smallint_u", "SMALLINT UNSIGNED", ["0", "65535", "40000"]),
        ("c_mediumint", "MEDIUMINT", ["-8388608", "8388607", "-5"]),
        ("c_mediumint_u", "MEDIUMINT UNSIGNED", ["0", "16777215", "9000000"]),
        ("c_int_u", "INT UNSIGNED", ["0", "4294967295", "3000000000"]),
        ("c_bigint", "BIGINT", ["-9223372036854775808", "9223372036854775807", "-42"]),
        ("c_bigint_u", "BIGINT UNSIGNED", ["0", "18446744073709551615", "9223372036854775808"]),
        ("c_dec", "DECIMAL(10,2)", ["-99999999.99", "99999999.99", "0.10"]),
        ("c_dec38", "DECIMAL(38,10)", ["-" + new string('9', 28) + ".9999999999", new string('9', 28) + ".9999999999", "-0.0000000001"]),
        ("c_dec65", "DECIMAL(65,30)", ["-" + new string('9', 35) + "." + new string('9', 30), "0.000000000000000000000000000001", "0"]),
        ("c_float", "FLOAT", ["-3.40282e38", "1.17549e-38", "0.1"]),
        ("c_double", "DOUBLE", ["-1.7976931348623157e308", "4.9e-324", "0.1"]),
        ("c_date", "DATE", ["'1000-01-01'", "'9999-12-31'", "'2020-00-15'"]),
        ("c_date_nn", "DATE NOT NULL", ["'0000-00-00'", "'2024-02-29'", "'1970-01-01'"]),
        ("c_datetime", "DATETIME(6)", ["'1000-01-01 00:00:00.000000'", "'9999-12-31 23:59:59.999999'", "'0000-00-00 00:00:00'"]),
        ("c_datetime0", "DATETIME", ["'2020-01-00 10:00:00'", "'1969-12-31 23:59:59'", "'2000-02-29 12:34:56'"]),
        ("c_timestamp", "TIMESTAMP(6) NULL DEFAULT NULL", ["'1970-01-01 00:00:01.000000'", "'2038-01-19 03:14:07.999999'", "'0000-00-00 00:00:00'"]),
        ("c_time", "TIME(6)", ["'-838:59:59.000000'", "'838:59:59.000000'", "'-00:00:00.000001'"]),
        ("c_time0", "TIME", ["'00:00:00'", "'-12:30:00'", "'100:00:01'"]),
        ("c_year", "YEAR", ["1901", "2155", "0"]),
        ("c_char", "CHAR(10)", ["''", "'😀😀😀😀😀😀😀😀😀😀'", "'a b  '"]),
        ("c_varchar", "VARCHAR(100)", ["''", "'héllo wörld 😀 日本語'", "'quote '' back\\\\slash \\ttab \\0nul'"]),
        ("c_latin1", "VARCHAR(20) CHARACTER SET latin1", ["''", "'café ÿ'", "'€ ‰ Ÿ'"]),
        ("c_text", "TEXT", ["''", "REPEAT('ab😀', 9000)", "'🎉 party'"]),
        ("c_enum", "ENUM('a','b','c d','it''s')", ["'a'", "'c d'", "'it''s'"]),
        ("c_set", "SET('x','y','z')", ["''", "'x,y,z'", "'z,x'"]),
        ("c_json", "JSON", ["'{}'", "'[1,2,{\"b\":\"😀\",\"n\":null}]'", "'{\"a\": 1.50, \"b\" : [true,false]}'"]),
        ("c_binary", "BINARY(4)", ["X'00000000'", "X'FFFFFFFF'", "X'00FF'"]),
        ("c_varbinary", "VARBINARY(10)", ["X''", "X'000102FF00'", "X'00'"]),
        ("c_blob", "BLOB", ["X''", "REPEAT(X'00FF', 30000)", "X'00'"]),
        ("c_bit1", "BIT(1)", ["b'0'", "b'1'", "b'1'"]),
        ("c_bit10", "BIT(10)", ["b'0'", "b'1111111111'", "b'1010'"]),
        ("c_bit64", "BIT(64)", ["b'0'", "b'" + new string('1', 64) + "'", "b'1'"]),
        ("c_point", "POINT", ["POINT(0, 0)", "POINT(-180.5, 90.25)", "ST_GeomFromText('POINT(1e300 -1e-300)')"]),
        ("c_inet4", "INET4", ["'0.0.0.0'", "'255.255.255.255'", "'10.1.2.3'"]),
        ("c_inet6", "INET6", ["'::'", "'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'", "'::ffff:1.2.3.4'"]),
        ("c_inet6b", "INET6", ["'2001:db8::1'", "'1:0:0:2:0:0:0:3'", "'::1.2.3.4'"]),
        ("c_inet6c", "INET6", ["'::1'", "'fe80::1:0:0:0'", "'1:0:2:0:3:0:4:0'"]),
        ("c_uuid", "UUID", ["'00000000-0000-0000-0000-000000000000'", "'ffffffff-ffff-ffff-ffff-ffffffffffff'", "'123e4567-e89b-12d3-a456-426614174000'"]),
        ("c_uuid1", "UUID", ["'6ccd780c-baba-1026-9564-5b8c656024db'", "'e0e0e0e0-1111-4222-8333-444455556666'", "'01234567-89ab-7def-8123-456789abcdef'"]),
        ("c_geometry", "GEOMETRY", ["ST_GeomFromText('LINESTRING(0 0, 1 1, 2 0)')", "ST_GeomFromText('POLYGON((0 0, 4 0, 4 4, 0 4, 0 0))')", "ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 2))')"]),
    ];

    public static TheoryData<string> Mappings => ["default", "time-us bits-binary zero-date-1970"];

    [Theory]
    [MemberData(nameof(Mappings))]
    public async Task EveryMappedTypeStreamsToTheSnapshotsValue(string mappingName)
    {
        var options = mappingName == "default"
            ? new TypeMappingOptions()
            : new TypeMappingOptions { Time = TimeMapping.Microseconds, MultiBit = BitMapping.Binary, ZeroDateValue = new DateOnly(1970, 1, 1) };
        await using var db = await SourceDatabase.CreateAsync(mappingName == "default" ? "cdc_it_wvalues" : "cdc_it_wvalues2");
        await db.Admin.ExecuteAsync("CREATE TABLE every_type (id INT PRIMARY KEY, " + string.Join(", ", Columns.Select(c => $"{c.Column} {c.Definition}")) + ")");
        var start = await BinlogChanges.CurrentPositionAsync(db);
        for (var row = 0; row < 3; row++)
        {
            await db.Admin.ExecuteAsync(
                $"INSERT INTO every_type (id, {string.Join(", ", Columns.Select(c => c.Column))}) VALUES ({row + 1}, {string.Join(", ", Columns.Select(c => c.Values[row]))})");
        }

        await db.Admin.ExecuteAsync("INSERT INTO every_type (id) VALUES (4)");
        var selection = new TableSelection { Include = [TablePattern.TryParse(db.Name + ".every_type", out _)!] };
        var source = Assert.Single(await SchemaDiscovery.DiscoverAsync(db.Admin, selection));
        var mapping = TypeMapper.Map(source, options);
        using var lake = new WriterLake("writer-values");

        // Snapshot path: one chunk read from the server's text into the lake table "snapshot".
        var snapshotTable = await DeltaTable.CreateAsync(lake.Location("snapshot"), new TableDefinition(mapping.DeltaFields));
        var lakeMapping = mapping.ForLakeTable(snapshotTable.Snapshot.Schema.Fields, columnMapping: true);
        var chunk = Assert.Single(await new ChunkPlanner().PlanAsync(db.Admin, source, 1000));
        var read = await new ChunkReader(SourceDatabase.AdminOptions(), lake.Store, new ChunkReaderOptions { Types = options }).ReadAsync(chunk, lakeMapping, "shop_snapshot");
        var tx = snapshotTable.BeginTransaction("WRITE");
        foreach (var file in read.Files)
        {
            tx.Add(new AddFile(DeltaPath.Encode(file.Path["shop_snapshot/".Length..]), new Dictionary<string, string?>(), file.SizeBytes, 0, DataChange: true, Stats: file.DeltaStats));
        }

        await snapshotTable.CommitAsync(tx);

        // Stream path: the binlog's inserts through the log and the writer into the lake table "stream".
        var changes = await BinlogChanges.ReadAsync(start, [source], mappingName == "default" ? 1u : 2u);
        Assert.Equal(4, changes.Count);
        var streamTable = await DeltaTable.CreateAsync(lake.Location("stream"), new TableDefinition(mapping.DeltaFields));
        AssertColumnsHoldWhatRowsHold(mapping, streamTable, options, changes);
        await SnapshotCompletion.MarkAsync(streamTable);
        await lake.PublishAsync(changes);
        using var writer = new PartitionWriter(lake.Log, 0, [new WriterTable(mapping, streamTable) { TypeMapping = options }]);
        Assert.Equal(4, await writer.DrainAsync());

        var snapshotRows = await ReadAsync(await lake.OpenAsync("snapshot"), mapping);
        var streamRows = await ReadAsync(await lake.OpenAsync("stream"), mapping);
        Assert.Equal(4, snapshotRows.Count);
        Assert.Equal(4, streamRows.Count);
        var mismatches = new StringBuilder();
        for (var r = 0; r < 4; r++)
        {
            for (var c = 0; c < mapping.Columns.Count; c++)
            {
                if (!Same(snapshotRows[r][c], streamRows[r][c]))
                {
                    mismatches.AppendLine($"row {r + 1} {mapping.Columns[c].Source}: snapshot {Show(snapshotRows[r][c])}, stream {Show(streamRows[r][c])}");
                }
            }
        }

        Assert.True(mismatches.Length == 0, "Streamed values differ from the snapshot's:\n" + mismatches);

        // The edge cases really are there: a zero date, a partial date, nulls of the all-NULL row.
        var dateNotNull = mapping.Columns.ToList().FindIndex(c => c.Source.Name == "c_date_nn");
        Assert.Equal(options.ZeroDateValue, streamRows[0][dateNotNull] is DateOnly d ? d : null);
        Assert.All(streamRows[3].Skip(1).Where((_, i) => mapping.Columns[i + 1].Source.Name != "c_date_nn"), v => Assert.Null(v));
    }

    /// <summary>
    /// The writer appends the binlog's values straight into typed columns (<see cref="ChangeRowConverter.Append"/>); they
    /// must be the values the row path (<see cref="ChangeRowConverter.Convert"/> and the Parquet row API) stores.
    /// </summary>
    private static void AssertColumnsHoldWhatRowsHold(TableMapping mapping, DeltaTable table, TypeMappingOptions options, List<Serverless.Cdc.Capture.ChangeEvent> changes)
    {
        var converter = new ChangeRowConverter(mapping, table.Snapshot.Schema.Fields, options);
        var columns = new Serverless.Delta.Merge.MergeWriter(table, new Serverless.Delta.Merge.MergeOptions(converter.KeyColumns, CdcColumns.Position)).NewBatch();
        var rows = new Parquet.ParquetRowBatch(columns.Schema);
        foreach (var change in changes)
        {
            rows.AppendRow(converter.Convert(change, softDelete: false).Row);
            converter.Append(change, softDelete: false, columns);
        }

        Assert.Equal(changes.Count, columns.Count);
        for (var c = 0; c < columns.Columns.Length; c++)
        {
            var (expected, actual) = (rows.Columns[c], columns.Columns[c]);
            Assert.True(expected.ByteData.SequenceEqual(actual.ByteData), $"column {expected.Column.Name}: value bytes differ");
            for (var r = 0; r < changes.Count; r++)
            {
                Assert.True(Same(expected.GetValue(r), actual.GetValue(r)), $"column {expected.Column.Name} row {r}: rows hold {Show(expected.GetValue(r))}, columns {Show(actual.GetValue(r))}");
            }
        }
    }

    /// <summary>The mapped columns of every row, ordered by id, as our Delta reader decodes them.</summary>
    private static async Task<List<object?[]>> ReadAsync(DeltaTable table, TableMapping mapping)
    {
        var rows = new List<object?[]>();
        await foreach (var row in new DeltaScan(table.Snapshot).Select(mapping.Columns.Select(c => c.Source.Name).ToArray()).ReadRowsAsync())
        {
            rows.Add(row);
        }

        return rows.OrderBy(r => (int)r[0]!).ToList();
    }

    private static bool Same(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (byte[] x, byte[] y) => x.AsSpan().SequenceEqual(y),
        (float x, float y) => BitConverter.SingleToInt32Bits(x) == BitConverter.SingleToInt32Bits(y),
        (double x, double y) => BitConverter.DoubleToInt64Bits(x) == BitConverter.DoubleToInt64Bits(y),
        (string x, string y) => string.Equals(x, y, StringComparison.Ordinal),
        (DateTime x, DateTime y) => x.Ticks == y.Ticks && x.Kind == y.Kind,
        _ => Equals(a, b) && a?.GetType() == b?.GetType(),
    };

    private static string Show(object? value) => value switch
    {
        null => "NULL",
        byte[] b => "0x" + Convert.ToHexString(b.AsSpan(0, Math.Min(b.Length, 40))) + (b.Length > 40 ? $"... ({b.Length} bytes)" : string.Empty),
        string s => "'" + (s.Length > 80 ? s[..80] + $"... ({s.Length} chars)" : s) + "'",
        DateTime t => t.ToString("O", System.Globalization.CultureInfo.InvariantCulture) + " " + t.Kind,
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture) + " (" + value.GetType().Name + ")",
        _ => value.ToString() ?? "?",
    };
}
