using Serverless.Testing;

namespace Serverless.Cli.Tests.Verify;

/// <summary>
/// The canonical form of every type family: a snapshot of edge values (NULL and '', DECIMAL scales, fractional seconds,
/// TIMESTAMP, zero dates, FLOAT/DOUBLE extremes and subnormals, BIT, binary, BLOB, JSON, spatial, INET6, UUID) verifies
/// equal, and a change of any one column is reported on exactly that column, with both values.
/// </summary>
public sealed class VerifyTypeFamilyTests
{
    private const string Columns = """
        id INT PRIMARY KEY,
        i8 TINYINT, u8 TINYINT UNSIGNED, i16 SMALLINT, u24 MEDIUMINT UNSIGNED, zf INT(6) ZEROFILL, u32 INT UNSIGNED,
        i64 BIGINT, u64 BIGINT UNSIGNED, yr YEAR,
        d2 DECIMAL(10,2), d40 DECIMAL(40,10),
        f FLOAT, g DOUBLE,
        dt DATE, dtm DATETIME, dtm6 DATETIME(6), ts TIMESTAMP(3) NULL, tm TIME(6),
        c3 CHAR(3), vc VARCHAR(20), tx TEXT, en ENUM('red','green'), st SET('a','b','c'), js JSON,
        bn BINARY(4), vb VARBINARY(8), bl BLOB,
        b1 BIT(1), b10 BIT(10),
        pt POINT, ip INET6, uu UUID
        """;

    [Fact]
    public async Task EveryTypeFamilyVerifiesEqualAndAChangedColumnIsReportedAlone()
    {
        await using var db = await SourceDatabase.CreateAsync("cli_it_verify_types");
        await db.Admin.ExecuteAsync($"CREATE TABLE t ({Columns})");
        await db.Admin.ExecuteAsync("""
            INSERT INTO t VALUES
            (1, -128, 255, -32768, 16777215, 42, 4294967295, -9223372036854775808, 18446744073709551615, 2024,
             -12345678.90, 123456789012345678901234567890.0123456789,
             0.1, 0.1, '2024-02-29', '2024-02-29 23:59:59', '2024-02-29 23:59:59.000001', '2038-01-19 03:14:07.999', '-838:59:59.000000',
             'ab', 'héllo wörld', 'long text é', 'green', 'a,c', '{"b": 1, "a": [1, 2.50]}',
             X'00FF0000', X'CAFE', X'0001FEFF', b'1', b'1010101010',
             ST_GeomFromText('POINT(1.5 -2.25)'), '2001:db8::1', '123e4567-e89b-12d3-a456-426614174000'),
            (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
             NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
            (3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.00, 0, 0, -0.0, '0000-00-00', '0000-00-00 00:00:00', '2024-00-10 00:00:00', '0000-00-00 00:00:00', '00:00:00',
             '', '', '', '', '', '""', X'', X'', X'', b'0', b'0', ST_GeomFromText('POINT(0 0)'), '::', '00000000-0000-0000-0000-000000000000'),
            (4, 127, 1, 32767, 1, 999999, 1, 9223372036854775807, 1, 1901, 99999999.99, -0.0000000001,
             3.4028235e38, 4.9406564584124654e-324, '1000-01-01', '9999-12-31 23:59:59', '1000-01-01 00:00:00.5', '1970-01-01 00:00:01', '838:59:59',
             'a  ', ' x ', 'N', 'red', 'a,b,c', '[]', X'01', X'00', X'00', b'1', b'1111111111',
             ST_GeomFromText('POINT(-180 90)'), '::ffff:1.2.3.4', 'ffffffff-ffff-ffff-ffff-ffffffffffff'),
            (5, 1, 2, 3, 4, 5, 6, 7, 8, 2000, 1.10, 1.1, 1e-30, 1.7976931348623157e308, '2000-01-01', '2000-01-01 00:00:00', '2000-01-01 00:00:00.100000', '2000-01-01 00:00:00.100', '12:00:00.5',
             'N', 'N', 'x', 'red', 'b', '{}', X'4E', X'4E', X'4E', b'0', b'1', ST_GeomFromText('POINT(1 1)'), '::2', '00000000-0000-0000-0000-000000000001')
            """);
        using var snapshot = await VerifyFixture.SnapshotAsync(db, "cli-verify-types");
        var job = snapshot.Job;

        var equal = await VerifyFixture.VerifyAsync(job, $"{db.Name}.t");
        Assert.True(equal.IsEqual, string.Join("\n", equal.Differences.Select(VerifyFixture.Describe)));
        Assert.Equal((5, 5), (equal.SourceRows, equal.LakeRows));

        // One column of each family per row, the smallest step the type allows.
        await db.Admin.ExecuteAsync("""
            UPDATE t SET d2 = -12345678.91, g = 0.1 + 1.3877787807814457e-17, dtm6 = '2024-02-29 23:59:59.000002', vc = 'héllo wörld ', bl = X'0001FEFE', b10 = b'1010101011', js = '{"a": [1, 2.50], "b": 1}' WHERE id = 1
            """);
        await db.Admin.ExecuteAsync("UPDATE t SET vc = '', i64 = 0, f = 0, dt = '1970-01-01', bn = X'00', pt = ST_GeomFromText('POINT(0 0)') WHERE id = 2");
        await db.Admin.ExecuteAsync("UPDATE t SET g = 1e-300, ts = '1970-01-01 00:00:01', yr = 2000, uu = '00000000-0000-0000-0000-000000000002' WHERE id = 3");
        await db.Admin.ExecuteAsync("UPDATE t SET u64 = 18446744073709551614, d40 = -0.0000000002, f = 3.4028233e38, tm = '838:59:58.999999', c3 = 'a', b1 = b'0' WHERE id = 4");
        await db.Admin.ExecuteAsync("UPDATE t SET dtm = '2000-01-01 00:00:01', ip = '::3', st = 'a,b', en = 'green', tx = 'X' WHERE id = 5");

        var result = await VerifyFixture.VerifyAsync(job, $"{db.Name}.t");

        Assert.Equal(
            [
                "Different id=1: d2=-12345678.91|-12345678.90; g=0.10000000000000002|0.1; dtm6=2024-02-29 23:59:59.000002|2024-02-29 23:59:59.000001; " +
                    "vc=héllo wörld |héllo wörld; js=md5:" + Md5("{\"a\": [1, 2.50], \"b\": 1}") + "|md5:" + Md5("{\"b\": 1, \"a\": [1, 2.50]}") + "; " +
                    "bl=md5:" + Md5Bytes([0x00, 0x01, 0xFE, 0xFE]) + "|md5:" + Md5Bytes([0x00, 0x01, 0xFE, 0xFF]) + "; b10=683|682",
                "Different id=2: i64=0|NULL; f=0|NULL; dt=1970-01-01|NULL; vc=|NULL; bn=0x00000000|NULL; pt=md5:" + Md5Bytes(PointZero) + "|NULL",
                "Different id=3: yr=2000|0; g=1E-300|0; ts=1970-01-01 00:00:01.000000|NULL; uu=00000000-0000-0000-0000-000000000002|00000000-0000-0000-0000-000000000000",
                "Different id=4: u64=18446744073709551614|1; d40=-0.0000000002|-0.0000000001; f=3.4028233E+38|3.4028235E+38; tm=838:59:58.999999|838:59:59.000000; b1=0|1",
                "Different id=5: dtm=2000-01-01 00:00:01.000000|2000-01-01 00:00:00.000000; tx=md5:" + Md5("X") + "|md5:" + Md5("x") + "; en=green|red; st=a,b|b; ip=::3|::2",
            ],
            result.Differences.Select(VerifyFixture.Describe));
    }

    /// <summary>POINT(0 0) as WKB: little-endian, type 1, two zero doubles.</summary>
    private static readonly byte[] PointZero = [0x01, 0x01, 0x00, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    private static string Md5(string text) => Md5Bytes(System.Text.Encoding.UTF8.GetBytes(text));

    private static string Md5Bytes(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(bytes));
}
