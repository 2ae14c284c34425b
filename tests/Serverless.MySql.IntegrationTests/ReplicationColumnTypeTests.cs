using Serverless.MySql.Binlog;
using Serverless.MySql.Replication;
using Xunit;
using static Serverless.MySql.IntegrationTests.ReplicationTestSupport;
using Serverless.MySql.Protocol;

namespace Serverless.MySql.IntegrationTests;

public class ReplicationColumnTypeTests
{
    private const string Database = "binlog_it_types";

    // Column name, SQL type, SELECT expression that prints what the decoder's display form prints.
    private static readonly (string Name, string Type, string Select)[] Columns =
    [
        ("id", "INT NOT NULL PRIMARY KEY", "id"),
        ("ti", "TINYINT", "ti"), ("tiu", "TINYINT UNSIGNED", "tiu"),
        ("si", "SMALLINT", "si"), ("siu", "SMALLINT UNSIGNED", "siu"),
        ("mi", "MEDIUMINT", "mi"), ("miu", "MEDIUMINT UNSIGNED", "miu"),
        ("i", "INT", "i"), ("iu", "INT UNSIGNED", "iu"),
        ("bi", "BIGINT", "bi"), ("biu", "BIGINT UNSIGNED", "biu"),
        ("f", "FLOAT", "f"), ("d", "DOUBLE", "d"),
        ("dec1", "DECIMAL(10,2)", "dec1"), ("dec2", "DECIMAL(65,30)", "dec2"), ("dec3", "DECIMAL(18,0) UNSIGNED", "dec3"),
        ("y", "YEAR", "y"), ("dt", "DATE", "dt"),
        ("tm0", "TIME", "tm0"), ("tm3", "TIME(3)", "tm3"), ("tm6", "TIME(6)", "tm6"),
        ("dtm0", "DATETIME", "dtm0"), ("dtm2", "DATETIME(2)", "dtm2"), ("dtm6", "DATETIME(6)", "dtm6"),
        ("ts0", "TIMESTAMP NULL", "ts0"), ("ts4", "TIMESTAMP(4) NULL", "ts4"),
        ("b1", "BIT(1)", "b1+0"), ("b64", "BIT(64)", "b64+0"), ("b10", "BIT(10)", "b10+0"),
        ("e", "ENUM('small','medium','large')", "e"), ("st", "SET('a','b','c','d','e','f','g','h','i')", "st"),
        ("ch", "CHAR(10)", "ch"), ("chu", "CHAR(100) CHARACTER SET utf8mb4", "chu"), ("chl", "CHAR(20) CHARACTER SET latin1", "chl"),
        ("vc", "VARCHAR(50)", "vc"), ("vcl", "VARCHAR(1000) CHARACTER SET utf8mb4", "vcl"),
        ("bn", "BINARY(4)", "HEX(bn)"), ("vb", "VARBINARY(300)", "HEX(vb)"),
        ("tt", "TINYTEXT", "tt"), ("tx", "TEXT", "tx"), ("mt", "MEDIUMTEXT", "mt"), ("lt", "LONGTEXT", "lt"),
        ("bl", "BLOB", "HEX(bl)"), ("lb", "LONGBLOB", "HEX(lb)"),
        ("js", "JSON", "js"),
        ("g", "GEOMETRY", "HEX(g)"), ("pt", "POINT", "HEX(pt)"),
    ];

    private static readonly string[] Rows =
    [
        "1, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0, -3.5, -1.7976931348623157e308, " +
        "-99999999.99, -99999999999999999999999999999999999.999999999999999999999999999999, 0, 1901, '1000-01-01', " +
        "'-838:59:59', '-00:00:00.001', '-12:34:56.789012', '1000-01-01 00:00:00', '2024-02-29 23:59:59.99', '9999-12-31 23:59:59.999999', " +
        "'1970-01-01 00:00:01', '2038-01-19 03:14:07.9999', b'0', b'0', b'0', 'small', '', '', 'x', 'a', '', 'é', UNHEX('00000000'), '', '', '', '', '', '', '', " +
        "'{}', ST_GeomFromText('POINT(0 0)'), ST_GeomFromText('POINT(1 2)', 4326)",
        "2, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, 9223372036854775807, 18446744073709551615, 3.4e38, 2.2250738585072014e-308, " +
        "99999999.99, 99999999999999999999999999999999999.999999999999999999999999999999, 999999999999999999, 2155, '9999-12-31', " +
        "'838:59:59', '00:00:00.5', '23:59:59.999999', '9999-12-31 23:59:59', '0000-00-00 00:00:00', '2000-01-01 00:00:00.000001', " +
        "'0000-00-00 00:00:00', '1999-12-31 23:59:59.1234', b'1', b'1111111111111111111111111111111111111111111111111111111111111111', b'1010101010', " +
        "'large', 'a,c,i', 'abcdefghij', REPEAT('ü', 100), 'ÿÀ', REPEAT('x', 50), REPEAT('€', 1000), UNHEX('DEADBEEF'), UNHEX(REPEAT('ab', 300)), " +
        "REPEAT('t', 255), REPEAT('é', 3000), REPEAT('m', 70000), REPEAT('l', 100000), UNHEX('00FF10'), REPEAT(UNHEX('0102'), 40000), " +
        "'{\"a\": [1, 2.5, \"x\", null, true], \"b\": {\"c\": \"ü\"}}', ST_GeomFromText('LINESTRING(0 0, 1 1, 2 3)'), ST_GeomFromText('POINT(-1.5 1e10)')",
        "3, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 0.01, -0.000000000000000000000000000001, 1, 0, '0000-00-00', " +
        "'00:00:00', '00:00:00', '-00:00:00.000001', '2020-00-00 00:00:00', '1999-01-01 12:00:00.01', '1970-01-01 00:00:00', " +
        "'2001-02-03 04:05:06', '2001-02-03 04:05:06.0001', b'1', b'1000000000000000000000000000000000000000000000000000000000000000', b'0000000001', " +
        "'medium', 'a,b,c,d,e,f,g,h,i', 'z', '\\'\"\\\\', 'q', 'tab\\there', '日本語', UNHEX('01'), UNHEX('00'), 'x', 'y', 'z', 'w', UNHEX(''), UNHEX('00'), " +
        "'[]', ST_GeomFromText('POLYGON((0 0, 1 0, 1 1, 0 0))'), ST_GeomFromText('POINT(3 4)')",
        "4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, " +
        "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL",
    ];

    [Fact]
    public async Task EveryColumnTypeDecodedFromTheBinlogMatchesSelectForInsertUpdateAndDelete()
    {
        await using var admin = await OpenAdminAsync(Database);
        await admin.ExecuteAsync("DROP TABLE IF EXISTS all_types");
        await admin.ExecuteAsync($"CREATE TABLE all_types ({string.Join(", ", Columns.Select(c => $"{c.Name} {c.Type}"))}) DEFAULT CHARSET=utf8mb4");
        var start = await CurrentPositionAsync(admin);
        foreach (var row in Rows)
        {
            await admin.ExecuteAsync($"INSERT INTO all_types VALUES ({row})");
        }

        var selectList = string.Join(", ", Columns.Select(c => c.Select));
        var expectedAfterInsert = await admin.QueryTextRowsAsync($"SELECT {selectList} FROM all_types ORDER BY id");
        await admin.ExecuteAsync("UPDATE all_types SET ti = ti - 1, vc = CONCAT(vc, '!'), dtm6 = '2011-11-11 11:11:11.111111', js = '{\"k\": 1}' WHERE id IN (2, 3)");
        var expectedAfterUpdate = await admin.QueryTextRowsAsync($"SELECT {selectList} FROM all_types WHERE id IN (2, 3) ORDER BY id");
        await admin.ExecuteAsync("DELETE FROM all_types WHERE id = 2");

        var events = await ReadAllAsync(Options(start, Database), Database);
        var changes = events.RowsOf("all_types").ToList();
        Assert.Equal(Rows.Length + 2 + 1, changes.Count);

        var inserts = changes.Where(c => c.Kind == RowChangeKind.Insert).ToList();
        Assert.Equal(Rows.Length, inserts.Count);
        for (var r = 0; r < inserts.Count; r++)
        {
            AssertRowMatches(expectedAfterInsert[r], inserts[r].Display(after: true), $"insert of row {r + 1}");
        }

        var updates = changes.Where(c => c.Kind == RowChangeKind.Update).ToList();
        Assert.Equal(2, updates.Count);
        AssertRowMatches(expectedAfterInsert[1], updates[0].Display(after: false), "before image of update of id 2");
        AssertRowMatches(expectedAfterUpdate[0], updates[0].Display(after: true), "after image of update of id 2");
        AssertRowMatches(expectedAfterUpdate[1], updates[1].Display(after: true), "after image of update of id 3");

        var delete = Assert.Single(changes, c => c.Kind == RowChangeKind.Delete);
        AssertRowMatches(expectedAfterUpdate[0], delete.Display(after: false), "before image of delete of id 2");

        var table = inserts[0].Table;
        Assert.True(table.HasColumnNames);
        Assert.Equal(["id"], table.PrimaryKey.Select(c => c.Name));
        Assert.True(table.Columns[table.ColumnIndex("biu")].IsUnsigned);
        Assert.False(table.Columns[table.ColumnIndex("bi")].IsUnsigned);
        Assert.Equal(["small", "medium", "large"], table.Columns[table.ColumnIndex("e")].EnumValues);
        Assert.Equal(ColumnType.String, table.Columns[table.ColumnIndex("chu")].Type);
        Assert.Equal(400, table.Columns[table.ColumnIndex("chu")].Length);

        // Typed accessors agree with the text forms for a few values.
        var row2 = inserts[1];
        Assert.Equal(18446744073709551615ul, row2.After[table.ColumnIndex("biu")].GetUInt64());
        Assert.True(row2.After[table.ColumnIndex("dtm2")].IsZeroDate);
        Assert.True(row2.After[table.ColumnIndex("ts0")].IsZeroDate);
        Assert.Equal(TimeSpan.FromHours(838) + TimeSpan.FromMinutes(59) + TimeSpan.FromSeconds(59), row2.After[table.ColumnIndex("tm0")].GetTime());
        Assert.Equal("99999999999999999999999999999999999.999999999999999999999999999999", row2.After[table.ColumnIndex("dec2")].GetDecimal().ToString());
        Assert.True(inserts[3].After[table.ColumnIndex("js")].IsNull);
    }

    private static void AssertRowMatches(string?[] expected, string?[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var e = expected[i];
            var a = actual[i];
            if (Columns[i].Name is "f" && e is not null && a is not null)
            {
                // SELECT prints FLOAT with 6 significant digits; compare as numbers at that precision.
                Assert.Equal(double.Parse(e, System.Globalization.CultureInfo.InvariantCulture), double.Parse(a, System.Globalization.CultureInfo.InvariantCulture), 0.000001 * Math.Max(1, Math.Abs(double.Parse(e, System.Globalization.CultureInfo.InvariantCulture))));
                continue;
            }

            if (Columns[i].Name is "d" && e is not null && a is not null)
            {
                Assert.Equal(double.Parse(e, System.Globalization.CultureInfo.InvariantCulture), double.Parse(a, System.Globalization.CultureInfo.InvariantCulture));
                continue;
            }

            Assert.True(e == a, $"{what}: column {Columns[i].Name} ({Columns[i].Type}) SELECT gives '{Trim(e)}' but the binlog gives '{Trim(a)}'");
        }
    }

    private static string? Trim(string? s) => s is { Length: > 120 } ? s[..120] + "…" : s;
}
