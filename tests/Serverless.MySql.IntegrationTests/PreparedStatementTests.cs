using System.Globalization;
using Serverless.MySql.Client;
using Serverless.MySql.Protocol;
using Xunit;

namespace Serverless.MySql.IntegrationTests;

/// <summary>
/// Prepared statements (COM_STMT_PREPARE / EXECUTE / CLOSE) against MariaDB: their binary rows read back to the same
/// values as the text rows of the same SELECT, for every column type at its edges, NULLs and zero dates included.
/// </summary>
public sealed class PreparedStatementTests
{
    private const string Database = "mysql_it_prepared";

    private static readonly (string Definition, string[] Values)[] Columns =
    [
        ("TINYINT", ["-128", "127", "0"]),
        ("TINYINT UNSIGNED", ["0", "255", "1"]),
        ("SMALLINT", ["-32768", "32767", "0"]),
        ("SMALLINT UNSIGNED", ["0", "65535", "1"]),
        ("MEDIUMINT", ["-8388608", "8388607", "0"]),
        ("MEDIUMINT UNSIGNED", ["0", "16777215", "1"]),
        ("INT", ["-2147483648", "2147483647", "0"]),
        ("INT UNSIGNED", ["0", "4294967295", "1"]),
        ("BIGINT", ["-9223372036854775808", "9223372036854775807", "0"]),
        ("BIGINT UNSIGNED", ["0", "18446744073709551615", "1"]),
        ("DECIMAL(65,30)", ["-99999999999999999999999999999999999.999999999999999999999999999999", "12.5", "0.000000000000000000000000000001"]),
        ("FLOAT", ["-1.5", "3.25e30", "0"]),
        ("DOUBLE", ["-1.7976931348623157e308", "4.9e-324", "0.1"]),
        ("DATE", ["'1000-01-01'", "'9999-12-31'", "'0000-00-00'"]),
        ("DATE", ["'2024-02-29'", "'2020-00-00'", "'1970-01-01'"]),
        ("DATETIME", ["'1000-01-01 00:00:00'", "'9999-12-31 23:59:59'", "'0000-00-00 00:00:00'"]),
        ("DATETIME(6)", ["'1000-01-01 00:00:00.000001'", "'9999-12-31 23:59:59.999999'", "'2024-05-06 07:08:09.100000'"]),
        ("TIMESTAMP(6) NULL DEFAULT NULL", ["'1970-01-01 00:00:01.000000'", "'2038-01-19 03:14:07.999999'", "'0000-00-00 00:00:00'"]),
        ("TIME", ["'-838:59:59'", "'838:59:59'", "'00:00:00'"]),
        ("TIME(6)", ["'-00:00:00.000001'", "'123:04:05.678900'", "'-01:02:03.5'"]),
        ("YEAR", ["1901", "2155", "0"]),
        ("VARCHAR(300)", ["''", "REPEAT('é', 300)", "'a b'"]),
        ("TEXT", ["''", "REPEAT('ab😀', 9000)", "'x'"]),
        ("ENUM('a','b c')", ["'a'", "'b c'", "'a'"]),
        ("SET('x','y')", ["''", "'x,y'", "'y'"]),
        ("BINARY(4)", ["X'00000000'", "X'FFFFFFFF'", "X'00FF'"]),
        ("BLOB", ["X''", "REPEAT(X'00FF', 30000)", "X'00'"]),
        ("BIT(1)", ["b'0'", "b'1'", "b'1'"]),
        ("BIT(64)", ["b'0'", "b'" + new string('1', 64) + "'", "b'1'"]),
        ("POINT", ["POINT(0, 0)", "POINT(-180.5, 90.25)", "POINT(1, 2)"]),
        ("JSON", ["'{}'", "'[1,{\"b\":\"😀\"}]'", "'null'"]),
    ];

    [Fact]
    public async Task BinaryRowsReadTheSameValuesAsTextRowsForEveryColumnType()
    {
        await using var c = await ConnectionTestServer.OpenOwnDatabaseAsync(Database);
        await c.ExecuteAsync("SET time_zone = '+00:00', sql_mode = ''");
        await c.ExecuteAsync("CREATE OR REPLACE TABLE every_type (id INT PRIMARY KEY, " +
            string.Join(", ", Columns.Select((col, i) => $"c{i} {col.Definition}")) + ")");
        for (var row = 0; row < 3; row++)
        {
            await c.ExecuteAsync($"INSERT INTO every_type VALUES ({row + 1}, {string.Join(", ", Columns.Select(col => col.Values[row]))})");
        }

        await c.ExecuteAsync("INSERT INTO every_type (id) VALUES (4)");
        const string sql = "SELECT * FROM every_type ORDER BY id";

        var text = await ReadAllAsync(await c.QueryAsync(sql));
        await using var statement = await c.PrepareAsync(sql);
        Assert.Equal(Columns.Length + 1, statement.Columns.Count);
        Assert.Equal(0, statement.ParameterCount);
        var reader = await statement.ExecuteAsync();
        Assert.True(reader.IsBinary);
        var binary = await ReadAllAsync(reader);

        Assert.Equal(4, text.Count);
        Assert.Equal(text.Count, binary.Count);
        var differences = new List<string>();
        for (var row = 0; row < text.Count; row++)
        {
            for (var col = 0; col < text[row].Length; col++)
            {
                if (text[row][col] != binary[row][col])
                {
                    differences.Add($"row {row + 1} c{col - 1} ({(col == 0 ? "id" : Columns[col - 1].Definition)}): text '{text[row][col]}', binary '{binary[row][col]}'");
                }
            }
        }

        Assert.True(differences.Count == 0, string.Join("\n", differences));
        Assert.All(binary[3].Skip(1), v => Assert.Equal("NULL", v));

        // Rows left unsplit until a getter needs them (the snapshot's row walk reads CurrentBinaryRow itself) read the same.
        Assert.Equal(binary, await ReadAllAsync(await statement.ExecuteAsync(), deferSplit: true));
        await using (var textReader = await c.QueryAsync(sql))
        {
            textReader.DeferBinaryFieldSplit = true;
            Assert.False(textReader.DeferBinaryFieldSplit);
            Assert.True(await textReader.ReadAsync());
            Assert.Contains("text rows", Assert.Throws<InvalidOperationException>(() => textReader.CurrentBinaryRow.Length).Message, StringComparison.Ordinal);
        }

        // Every typed getter reads the binary fields, not only GetValue.
        var again = await statement.ExecuteAsync();
        await using (again)
        {
            Assert.True(await again.ReadAsync());
            Assert.Equal(sbyte.MinValue, again.GetSByte(1));
            Assert.Equal(0, again.GetByte(2));
            Assert.Equal(-2147483648, again.GetInt32(7));
            Assert.Equal(long.MinValue, again.GetInt64(9));
            Assert.Equal(-1.5f, again.GetFloat(12));
            Assert.Equal(-1.7976931348623157e308, again.GetDouble(13));
            Assert.Equal(new DateTime(1000, 1, 1), again.GetDateTime(14));
            Assert.Equal(TimeSpan.FromHours(-838) - TimeSpan.FromMinutes(59) - TimeSpan.FromSeconds(59), again.GetTimeSpan(19));
            Assert.Equal(1901, again.GetYear(21));
            Assert.Equal(string.Empty, again.GetString(22));
            Assert.True(await again.ReadAsync());
            Assert.Equal(ulong.MaxValue, again.GetUInt64(10));
            Assert.Equal(255, again.GetByte(2));
            Assert.Equal(MySqlErrorKind.InvalidCast, Assert.Throws<MySqlException>(() => again.GetInt64(10)).Kind);
            Assert.Equal(12.5m, again.GetDecimal(11));
            var notText = Assert.Throws<InvalidCastException>(() => again.GetString(7));
            Assert.Contains("typed getter", notText.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task DisposedStatementIsClosedOnTheServerAndTheConnectionRunsTheNextCommand()
    {
        await using var c = await ConnectionTestServer.OpenOwnDatabaseAsync(Database);
        var closesBefore = await SessionStatusAsync(c, "Com_stmt_close");
        var statement = await c.PrepareAsync("SELECT seq, CAST(seq AS CHAR) FROM seq_1_to_100000");
        await using (var reader = await statement.ExecuteAsync())
        {
            // Left half-read: disposing the reader skips the rest of the rows.
            for (var i = 1; i <= 10; i++)
            {
                Assert.True(await reader.ReadAsync());
                Assert.Equal(i, reader.GetInt64(0));
                Assert.Equal(i.ToString(CultureInfo.InvariantCulture), reader.GetString(1));
            }
        }

        await statement.DisposeAsync();
        Assert.Equal(closesBefore + 1, await SessionStatusAsync(c, "Com_stmt_close"));
        Assert.Equal("7", await c.QueryScalarAsync("SELECT 3 + 4"));
    }

    [Fact]
    public async Task PrepareOfBadSqlFailsWithTheServersMessageAndLeavesTheConnectionUsable()
    {
        await using var c = await ConnectionTestServer.OpenAsync();
        var e = await Assert.ThrowsAsync<MySqlException>(() => c.PrepareAsync("SELEC 1"));
        Assert.Contains("SQL syntax", e.Message, StringComparison.Ordinal);

        await using var withParameter = await c.PrepareAsync("SELECT ? + 1");
        Assert.Equal(1, withParameter.ParameterCount);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => withParameter.ExecuteAsync());
        Assert.Contains("placeholders", refused.Message, StringComparison.Ordinal);
        Assert.Equal("2", await c.QueryScalarAsync("SELECT 1 + 1"));
    }

    /// <summary>The bytes of the current row's fields, from the split a getter makes (a binary row's payload is header and bitmap, then these).</summary>
    private static int FieldBytes(MySqlResultReader reader)
    {
        var total = 0;
        for (var i = 0; i < reader.FieldCount; i++)
        {
            if (!reader.IsDBNull(i))
            {
                var length = reader.GetRawBytes(i).Length;
                total += length + BinaryValueParser.FieldSize(reader.Columns[i].Type) switch
                {
                    > 0 => 0,
                    0 => 1,
                    _ => LengthEncoding.IntegerSize((ulong)length),
                };
            }
        }

        return total;
    }

    private static async Task<long> SessionStatusAsync(MySqlConnection c, string name)
    {
        var rows = await c.QueryTextRowsAsync($"SHOW SESSION STATUS LIKE '{name}'");
        return long.Parse(rows.Single()[1]!, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Every field of every row through <see cref="MySqlResultReader.GetValue"/>, rendered comparable; with
    /// <paramref name="deferSplit"/> the binary rows are split only by the first getter.
    /// </summary>
    private static async Task<List<string[]>> ReadAllAsync(MySqlResultReader reader, bool deferSplit = false)
    {
        await using (reader)
        {
            reader.DeferBinaryFieldSplit = deferSplit;
            var rows = new List<string[]>();
            while (await reader.ReadAsync())
            {
                if (deferSplit)
                {
                    Assert.Equal(0x00, reader.CurrentBinaryRow[0]);
                    Assert.Equal(1 + ((reader.FieldCount + 9) / 8), reader.CurrentBinaryRow.Length - FieldBytes(reader));
                }

                var row = new string[reader.FieldCount];
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = reader.GetValue(i) switch
                    {
                        null => "NULL",
                        byte[] bytes => "0x" + Convert.ToHexString(bytes),
                        MySqlGeometry g => $"srid {g.Srid} 0x{Convert.ToHexString(g.Wkb)}",
                        double d => d.ToString("R", CultureInfo.InvariantCulture),
                        float f => f.ToString("R", CultureInfo.InvariantCulture),
                        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                        var v => v.ToString() ?? string.Empty,
                    };
                }

                rows.Add(row);
            }

            return rows;
        }
    }
}
