using Serverless.Testing;

namespace Serverless.Cli.Tests.Verify;

/// <summary>
/// The canonical forms that depend on the job's type options: zero dates as <c>types.zeroDate</c> (a date, on NOT NULL
/// columns), TIME as microseconds, BIT(n) as big-endian bytes, and a soft-delete lake (its <c>_cdc_deleted</c> column).
/// </summary>
public sealed class VerifyMappingOptionsTests
{
    [Fact]
    public async Task ZeroDateTimeMicrosecondsAndBinaryBitsVerifyEqualAndChangesAreReported()
    {
        await using var db = await SourceDatabase.CreateAsync("cli_it_verify_options");
        await db.Admin.ExecuteAsync("""
            CREATE TABLE t (id INT PRIMARY KEY, d DATE NOT NULL, dt DATETIME(2) NOT NULL, ts TIMESTAMP NOT NULL DEFAULT '2000-01-01 00:00:00',
                            tm TIME(3), b BIT(12), b1 BIT(1))
            """);
        await db.Admin.ExecuteAsync("""
            INSERT INTO t VALUES
            (1, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', '-838:59:59.000', b'101010101010', b'1'),
            (2, '2024-00-10', '2024-05-00 10:00:00.25', '2024-05-06 07:08:09', '00:00:00.001', b'0', b'0'),
            (3, '1999-12-31', '1999-12-31 23:59:59.99', '2038-01-19 03:14:07', NULL, NULL, NULL)
            """);
        using var folder = new TempDirectory("cli-verify-options");
        var job = JobSpecs.Write(folder.Path, "cli-verify-options", db.Name, "./lake");
        var spec = await File.ReadAllTextAsync(job);
        await File.WriteAllTextAsync(job, spec.Replace(
            "\"target\": { \"root\": \"./lake\" },",
            "\"target\": { \"root\": \"./lake\", \"softDelete\": true }, \"types\": { \"zeroDate\": \"1970-01-02\", \"time\": \"microseconds\", \"bit\": \"binary\" },",
            StringComparison.Ordinal));
        await VerifyFixture.RunJobAsync(job);

        var equal = await VerifyFixture.VerifyAsync(job, $"{db.Name}.t");
        Assert.True(equal.IsEqual, string.Join("\n", equal.Differences.Select(VerifyFixture.Describe)));

        await db.Admin.ExecuteAsync("UPDATE t SET d = '1970-01-03', tm = '-838:59:58.999', b = b'101010101011' WHERE id = 1");
        await db.Admin.ExecuteAsync("UPDATE t SET dt = '1970-01-02 00:00:00.01', b1 = b'1' WHERE id = 2");
        await db.Admin.ExecuteAsync("UPDATE t SET ts = '1970-01-02 00:00:00' WHERE id = 3");

        var result = await VerifyFixture.VerifyAsync(job, $"{db.Name}.t");

        Assert.Equal(
            [
                "Different id=1: d=1970-01-03|1970-01-02; tm=-3020398999000|-3020399000000; b=2731|2730",
                "Different id=2: dt=1970-01-02 00:00:00.010000|1970-01-02 00:00:00.000000; b1=1|0",
                "Different id=3: ts=1970-01-02 00:00:00.000000|2038-01-19 03:14:07.000000",
            ],
            result.Differences.Select(VerifyFixture.Describe));
    }
}
