using System.Numerics;
using System.Text;
using Serverless.MySql.Client;
using Serverless.MySql.Protocol;
using Xunit;

namespace Serverless.MySql.IntegrationTests;

/// <summary>Every column type with edge values, read through the text protocol from MariaDB and compared with expected values.</summary>
public sealed class TypeTests
{
    private const string Database = "mysql_it_types";

    [Fact]
    public async Task IntegersOfEveryWidthReadTheirMinimumAndMaximum()
    {
        await using var c = await ConnectionTestServer.OpenOwnDatabaseAsync(Database);
        await c.ExecuteAsync("""
            CREATE OR REPLACE TABLE ints (
              id INT PRIMARY KEY, ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED,
              mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT NOT NULL, biu BIGINT UNSIGNED, y YEAR)
            """);
        await c.ExecuteAsync("""
            INSERT INTO ints VALUES
              (1, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0, 1901),
              (2, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, 9223372036854775807, 18446744073709551615, 2155),
              (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL)
            """);
        await using var r = await c.QueryAsync("SELECT * FROM ints ORDER BY id");
        Assert.Equal(12, r.FieldCount);
        Assert.Equal(ColumnType.Tiny, r.Columns[1].Type);
        Assert.False(r.Columns[1].IsUnsigned);
        Assert.True(r.Columns[2].IsUnsigned);
        Assert.Equal(ColumnType.Int24, r.Columns[5].Type);
        Assert.Equal(ColumnType.LongLong, r.Columns[10].Type);
        Assert.True(r.Columns[0].IsPrimaryKey);
        Assert.True(r.Columns[9].IsNotNull);
        Assert.Equal("ints", r.Columns[0].Table);
        Assert.Equal(Database, r.Columns[0].Schema);
        Assert.Equal("biu", r.Columns[10].Name);

        Assert.True(await r.ReadAsync());
        Assert.Equal(sbyte.MinValue, r.GetSByte(1));
        Assert.Equal(byte.MinValue, r.GetByte(2));
        Assert.Equal(short.MinValue, r.GetInt16(3));
        Assert.Equal(ushort.MinValue, r.GetUInt16(4));
        Assert.Equal(-8388608, r.GetInt32(5));
        Assert.Equal(0u, r.GetUInt32(6));
        Assert.Equal(int.MinValue, r.GetInt32(7));
        Assert.Equal(0u, r.GetUInt32(8));
        Assert.Equal(long.MinValue, r.GetInt64(9));
        Assert.Equal(0ul, r.GetUInt64(10));
        Assert.Equal(1901, r.GetYear(11));

        Assert.True(await r.ReadAsync());
        Assert.Equal(sbyte.MaxValue, r.GetSByte(1));
        Assert.Equal(byte.MaxValue, r.GetByte(2));
        Assert.Equal(short.MaxValue, r.GetInt16(3));
        Assert.Equal(ushort.MaxValue, r.GetUInt16(4));
        Assert.Equal(8388607, r.GetInt32(5));
        Assert.Equal(16777215u, r.GetUInt32(6));
        Assert.Equal(int.MaxValue, r.GetInt32(7));
        Assert.Equal(uint.MaxValue, r.GetUInt32(8));
        Assert.Equal(long.MaxValue, r.GetInt64(9));
        Assert.Equal(ulong.MaxValue, r.GetUInt64(10));
        Assert.Equal(2155, r.GetYear(11));
        Assert.Equal(ulong.MaxValue, r.GetValue(10));
        var overflow = Assert.Throws<MySqlException>(() => r.GetInt64(10));
        Assert.Equal(MySqlErrorKind.InvalidCast, overflow.Kind);
        Assert.Contains("biu", overflow.Message);

        Assert.True(await r.ReadAsync());
        for (var i = 1; i < 12; i++)
        {
            Assert.Equal(i != 9, r.IsDBNull(i));
        }

        Assert.Throws<InvalidCastException>(() => r.GetInt32(1));
        Assert.False(await r.ReadAsync());
    }

    [Fact]
    public async Task DecimalsUpToSixtyFiveDigitsAndFloatingPointExtremesAreExact()
    {
        await using var c = await ConnectionTestServer.OpenOwnDatabaseAsync(Database);
        await c.ExecuteAsync("CREATE OR REPLACE TABLE nums (id INT PRIMARY KEY, big DECIMAL(65,30), small DECIMAL(10,2), d DOUBLE, f FLOAT)");
        var max = new string('9', 35) + "." + new string('9', 30);
        await c.ExecuteAsync($"""
            INSERT INTO nums VALUES
              (1, {max}, 12345678.90, 1.7976931348623157e308, 3.4028234663852886e38),
              (2, -{max}, -0.01, -2.2250738585072014e-308, -1.17549435e-38),
              (3, 0.000000000000000000000000000001, 0, 5e-324, 0.1),
              (4, 12345.678, 99999999.99, 0.1, 16777216)
            """);
        await using var r = await c.QueryAsync("SELECT big, small, d, f, CAST(f AS DOUBLE) FROM nums ORDER BY id");
        Assert.Equal(ColumnType.NewDecimal, r.Columns[0].Type);
        Assert.Equal(30, r.Columns[0].Decimals);
        Assert.Equal(ColumnType.Double, r.Columns[2].Type);
        Assert.Equal(ColumnType.Float, r.Columns[3].Type);

        Assert.True(await r.ReadAsync());
        var big = r.GetMySqlDecimal(0);
        Assert.Equal(BigInteger.Parse(new string('9', 65)), big.Unscaled);
        Assert.Equal(30, big.Scale);
        Assert.Equal(max, big.ToString());
        Assert.Equal(MySqlErrorKind.InvalidCast, Assert.Throws<MySqlException>(() => r.GetDecimal(0)).Kind);
        Assert.Equal(12345678.90m, r.GetDecimal(1));
        Assert.True(r.TryGetUnscaledDecimal(1, out var unscaled, out var scale));
        Assert.Equal((Int128)1234567890, unscaled);
        Assert.Equal(2, scale);
        Assert.Equal(double.MaxValue, r.GetDouble(2));
        Assert.Equal(float.MaxValue, (float)r.GetDouble(4));

        Assert.True(await r.ReadAsync());
        Assert.Equal("-" + max, r.GetMySqlDecimal(0).ToString());
        Assert.Equal(-0.01m, r.GetDecimal(1));
        Assert.Equal(-2.2250738585072014e-308, r.GetDouble(2));
        Assert.Equal(-1.17549435e-38f, (float)r.GetDouble(4));

        Assert.True(await r.ReadAsync());
        Assert.Equal(new MySqlDecimal(1, 30), r.GetMySqlDecimal(0));
        Assert.Throws<MySqlException>(() => r.GetDecimal(0)); // 1e-30 is below System.Decimal's smallest step
        Assert.Equal(5e-324, r.GetDouble(2));
        Assert.Equal(0.1f, r.GetFloat(3));

        Assert.True(await r.ReadAsync());
        Assert.Equal(12345.678m, r.GetDecimal(0));
        Assert.Equal(0.1, r.GetDouble(2));

        // The text protocol renders FLOAT with 6 significant digits; CAST(f AS DOUBLE) is exact.
        Assert.Equal("16777200", Encoding.ASCII.GetString(r.GetRawBytes(3)));
        Assert.Equal(16777216f, (float)r.GetDouble(4));
    }

    [Fact]
    public async Task TemporalValuesIncludingZeroDatesNegativeTimesAndMicrosecondsAreRead()
    {
        await using var c = await ConnectionTestServer.OpenOwnDatabaseAsync(Database);
        await c.ExecuteAsync("SET SESSION sql_mode = ''");
        await c.ExecuteAsync("SET time_zone = '+00:00'");
        await c.ExecuteAsync("""
            CREATE OR REPLACE TABLE temporals (
              id INT PRIMARY KEY, d DATE, dt DATETIME, dt6 DATETIME(6), ts TIMESTAMP(3) NULL, t TIME(6), y YEAR)
            """);
        await c.ExecuteAsync("""
            INSERT INTO temporals VALUES
              (1, '0000-00-00', '0000-00-00 00:00:00', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.499', '-838:59:59.000000', 0),
              (2, '1000-01-01', '2024-02-29 12:34:56', '1970-01-01 00:00:00.000001', NULL, '838:59:59.999999', 2024),
              (3, '2024-00-15', '2024-06-00 01:02:03', '2000-01-01 00:00:00.5', '1970-01-01 00:00:01', '100:00:00.5', 1970)
            """);
        await using (var tokyo = await MySqlConnection.OpenAsync((await ConnectionTestServer.OptionsAsync(Database)) with { SessionTimeZone = "+09:00" }))
        {
            // TIMESTAMP is stored in UTC and rendered in the session time zone.
            Assert.Equal("1970-01-01 09:00:01.000", await tokyo.QueryScalarAsync("SELECT ts FROM temporals WHERE id = 3"));
        }

        await using var r = await c.QueryAsync("SELECT d, dt, dt6, ts, t, y FROM temporals ORDER BY id");
        Assert.Equal(ColumnType.Date, r.Columns[0].Type);
        Assert.Equal(ColumnType.DateTime, r.Columns[1].Type);
        Assert.Equal(6, r.Columns[2].Decimals);
        Assert.Equal(ColumnType.Timestamp, r.Columns[3].Type);
        Assert.Equal(ColumnType.Time, r.Columns[4].Type);
        Assert.Equal(ColumnType.Year, r.Columns[5].Type);

        Assert.True(await r.ReadAsync());
        var zeroDate = r.GetMySqlDateTime(0);
        Assert.True(zeroDate.IsZero);
        Assert.False(zeroDate.IsValid);
        Assert.True(r.GetMySqlDateTime(1).IsZero);
        Assert.Throws<InvalidCastException>(() => r.GetDateTime(0));
        Assert.Equal(new DateTime(9999, 12, 31, 23, 59, 59).AddTicks(9_999_990), r.GetDateTime(2));
        Assert.Equal(new MySqlDateTime(2038, 1, 19, 3, 14, 7, 499_000), r.GetMySqlDateTime(3));
        Assert.Equal(-(TimeSpan.FromHours(838) + TimeSpan.FromMinutes(59) + TimeSpan.FromSeconds(59)), r.GetTimeSpan(4));
        Assert.Equal(0, r.GetYear(5));

        Assert.True(await r.ReadAsync());
        Assert.Equal(new DateOnly(1000, 1, 1), r.GetMySqlDateTime(0).ToDateOnly());
        Assert.Equal(new DateTime(2024, 2, 29, 12, 34, 56), r.GetDateTime(1));
        Assert.Equal(1, r.GetMySqlDateTime(2).ToUnixMicroseconds());
        Assert.True(r.IsDBNull(3));
        Assert.Equal(TimeSpan.FromHours(838) + TimeSpan.FromMinutes(59) + TimeSpan.FromSeconds(59) + TimeSpan.FromTicks(9_999_990), r.GetTimeSpan(4));
        Assert.Equal(2024, r.GetYear(5));

        Assert.True(await r.ReadAsync());
        var zeroMonthDay = r.GetMySqlDateTime(0);
        Assert.Equal(new MySqlDateTime(2024, 0, 15, 0, 0, 0, 0), zeroMonthDay);
        Assert.False(zeroMonthDay.IsValid);
        Assert.False(zeroMonthDay.IsZero);
        Assert.Equal(new MySqlDateTime(2024, 6, 0, 1, 2, 3, 0), r.GetMySqlDateTime(1));
        Assert.Equal(new MySqlDateTime(2000, 1, 1, 0, 0, 0, 500_000), r.GetMySqlDateTime(2));
        Assert.Equal(1_000_000, r.GetMySqlDateTime(3).ToUnixMicroseconds());
        Assert.Equal(TimeSpan.FromHours(100) + TimeSpan.FromMilliseconds(500), r.GetTimeSpan(4));
    }

    [Fact]
    public async Task TextInUtf8mb4AndLatin1IsDecodedByTheColumnCharacterSet()
    {
        await using var c = await ConnectionTestServer.OpenOwnDatabaseAsync(Database);
        await c.ExecuteAsync("""
            CREATE OR REPLACE TABLE texts (
              id INT PRIMARY KEY, u VARCHAR(100) CHARACTER SET utf8mb4, l VARCHAR(100) CHARACTER SET latin1,
              e ENUM('small','medium','large'), s SET('red','green','blue'), j JSON, lt LONGTEXT)
            """);
        const string emoji = "naïve 😀 日本語 𝄞";
        const string latin = "café ÿ € œ";
        await c.ExecuteAsync($"INSERT INTO texts VALUES (1, '{emoji}', '{latin}', 'medium', 'red,blue', '{{\"a\": [1, 2.5, \"x\"]}}', REPEAT('ü', 70000))");

        await using (var r = await c.QueryAsync("SELECT u, l, e, s, j, lt FROM texts"))
        {
            Assert.True(await r.ReadAsync());
            Assert.Equal(emoji, r.GetString(0));
            Assert.Equal(latin, r.GetString(1));
            Assert.True(r.Columns[2].IsEnum);
            Assert.Equal("medium", r.GetString(2));
            Assert.True(r.Columns[3].IsSet);
            Assert.Equal("red,blue", r.GetString(3));
            Assert.Contains("\"a\"", r.GetString(4));
            Assert.Equal(new string('ü', 70000), r.GetString(5));
            var chars = new char[r.GetMaxCharCount(0)];
            Assert.Equal(emoji, new string(chars, 0, r.GetChars(0, chars)));
        }

        // Without conversion the server sends latin1 bytes with the latin1 collation id: decoded as Windows-1252.
        await c.ExecuteAsync("SET character_set_results = NULL");
        await using (var r = await c.QueryAsync("SELECT u, l FROM texts"))
        {
            Assert.True(await r.ReadAsync());
            Assert.Equal(8, r.Columns[1].CollationId);
            Assert.Equal(latin.Length, r.GetRawBytes(1).Length);
            Assert.Equal(0x80, r.GetRawBytes(1)[7]);
            Assert.Equal(latin, r.GetString(1));
            Assert.Equal(emoji, r.GetString(0));
        }
    }

    [Fact]
    public async Task BinaryBitAndGeometryValuesKeepTheirBytes()
    {
        await using var c = await ConnectionTestServer.OpenOwnDatabaseAsync(Database);
        await c.ExecuteAsync("""
            CREATE OR REPLACE TABLE bins (
              id INT PRIMARY KEY, b VARBINARY(16), bl BLOB, bit64 BIT(64), bit1 BIT(1), bit10 BIT(10), p POINT, g GEOMETRY)
            """);
        await c.ExecuteAsync("""
            INSERT INTO bins VALUES
              (1, X'00FF0001', X'000000', b'1111111111111111111111111111111111111111111111111111111111111111', b'1', b'1000000001',
               ST_PointFromText('POINT(1 2)', 4326), ST_GeomFromText('LINESTRING(0 0, 1 1)'))
            """);
        await using var r = await c.QueryAsync("SELECT b, bl, bit64, bit1, bit10, p, g FROM bins");
        Assert.True(r.Columns[0].IsBinary);
        Assert.Equal(ColumnType.Bit, r.Columns[2].Type);
        Assert.Equal(ColumnType.Geometry, r.Columns[5].Type);
        Assert.True(await r.ReadAsync());
        Assert.Equal(new byte[] { 0, 0xFF, 0, 1 }, r.GetBytes(0));
        Assert.Equal(new byte[3], r.GetRawBytes(1).ToArray());
        Assert.Equal(ulong.MaxValue, r.GetBit(2));
        Assert.Equal(ulong.MaxValue, r.GetUInt64(2));
        Assert.True(r.GetBoolean(3));
        Assert.Equal(513ul, r.GetBit(4));

        var point = r.GetGeometry(5);
        Assert.Equal(4326u, point.Srid);
        var expectedWkb = new byte[21];
        expectedWkb[0] = 1; // little-endian
        expectedWkb[1] = 1; // wkbPoint
        BitConverter.TryWriteBytes(expectedWkb.AsSpan(5), 1.0);
        BitConverter.TryWriteBytes(expectedWkb.AsSpan(13), 2.0);
        Assert.Equal(expectedWkb, point.Wkb);
        var line = r.GetGeometryWkb(6, out var srid);
        Assert.Equal(0u, srid);
        Assert.Equal(2, line[1]); // wkbLineString
        Assert.Equal(2u, BitConverter.ToUInt32(line[5..]));
    }
}
