using System.Globalization;
using Serverless.Cdc.IntegrationTests.Capture;
using Serverless.Cdc.Transport.Embedded;
using Serverless.Delta.Scanning;
using Serverless.Orchestrations.Hosting;
using Xunit.Abstractions;

namespace Serverless.Cdc.IntegrationTests.EndToEnd;

/// <summary>
/// A server whose global (and so every session's) time zone is +05:30: TIMESTAMP values reach the lake as the instants
/// they are and DATETIME values as the wall-clock times they are, the same through StartJob's snapshot and through the
/// binlog, compared with the source and with what the snapshot wrote for the same values.
/// </summary>
public sealed class TimeZoneTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ServerOffset = new(5, 30, 0);

    /// <summary>Wall-clock literals in the server's zone: a fraction, a day and year boundary in UTC, the ends of TIMESTAMP's range.</summary>
    private static readonly string?[] Literals =
    [
        "2024-03-10 08:00:00.123456",
        "2024-01-01 00:15:00.000000",
        "1999-12-31 23:59:59.999999",
        "2038-01-19 08:44:07.000000",
        "1970-01-01 05:30:01.000000",
        null,
    ];

    [Fact]
    public async Task TimestampAndDatetimeReachTheLakeAsTheSameInstantsThroughSnapshotAndBinlogOnANonUtcServer()
    {
        await using var server = await PrivateMariaDb.StartAsync("sl-e2e-tz");
        await using (var admin = await server.OpenAsync())
        {
            await admin.ExecuteAsync("SET GLOBAL time_zone = '+05:30'");
            await admin.ExecuteAsync("CREATE DATABASE cdc_it_e2e_tz");
            await admin.ExecuteAsync("CREATE TABLE cdc_it_e2e_tz.events (id INT PRIMARY KEY, ts TIMESTAMP(6) NULL DEFAULT NULL, dt DATETIME(6) NULL, note VARCHAR(20))");
        }

        // A new session takes the global zone: the literals below are +05:30 wall-clock times.
        await using var session = await server.OpenAsync();
        Assert.Equal("+05:30", await session.QueryScalarAsync("SELECT @@session.time_zone"));
        for (var i = 0; i < Literals.Length; i++)
        {
            await session.ExecuteAsync($"INSERT INTO cdc_it_e2e_tz.events VALUES ({i + 1}, {Sql(Literals[i])}, {Sql(Literals[i])}, 'snapshot')");
        }

        using var dir = new TempDirectory("e2e-tz");
        var spec = EndToEndJob.WriteSpec(dir.Path, "e2etz", "cdc_it_e2e_tz", Path.Combine(dir.Path, "lake"), port: server.Port);
        var job = EndToEndJob.Open(spec, Path.Combine(dir.Path, "state"));
        Assert.Equal(JobExitCodes.Success, await JobRunner.RunAsync(spec, new JobRunnerOptions { StateFolder = job.StateFolder, SnapshotOnly = true }, null, CancellationToken.None));
        var snapshot = await LakeValuesAsync(job);

        // Through the binlog: the same literals as new rows, and the snapshot's rows written again (an update of another column).
        for (var i = 0; i < Literals.Length; i++)
        {
            await session.ExecuteAsync($"INSERT INTO cdc_it_e2e_tz.events VALUES ({i + 101}, {Sql(Literals[i])}, {Sql(Literals[i])}, 'binlog')");
        }

        await session.ExecuteAsync("UPDATE cdc_it_e2e_tz.events SET note = 'touched' WHERE id <= 100");
        using var log = new TempDirectory("e2e-tz-log");
        await job.CatchUpAsync(EmbeddedChangeLog.OpenOrCreate(log.Path, 1, new EmbeddedChangeLogOptions { Durability = LogDurability.OperatingSystemCache }), CaptureRig.NewServerId());
        var streamed = await LakeValuesAsync(job);

        // The instants themselves: the literal's wall clock minus +05:30 for TIMESTAMP, the wall clock as is for DATETIME.
        for (var i = 0; i < Literals.Length; i++)
        {
            var expectedDatetime = Literals[i] is { } text ? DateTime.ParseExact(text, "yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) : (DateTime?)null;
            var expectedInstant = expectedDatetime - ServerOffset;
            Assert.Equal((Micros(expectedInstant), Micros(expectedDatetime)), snapshot[i + 1]);
            Assert.Equal(snapshot[i + 1], streamed[i + 1]); // written again through the binlog
            Assert.Equal(snapshot[i + 1], streamed[i + 101]); // the same literal, first written through the binlog
        }

        // And the source's own view: UNIX_TIMESTAMP is the instant whatever the session's zone.
        foreach (var row in await session.QueryTextRowsAsync("SELECT id, UNIX_TIMESTAMP(ts), DATE_FORMAT(dt, '%Y-%m-%d %H:%i:%s.%f') FROM cdc_it_e2e_tz.events"))
        {
            var id = int.Parse(row[0]!, CultureInfo.InvariantCulture);
            var instant = row[1] is { } seconds ? (long)(decimal.Parse(seconds, CultureInfo.InvariantCulture) * 1_000_000) : (long?)null;
            var wallClock = row[2] is { } dt ? Micros(DateTime.ParseExact(dt, "yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)) : null;
            Assert.Equal((instant, wallClock), streamed[id]);
        }

        Assert.Equal(2 * Literals.Length, streamed.Count);
        var results = await LakeChecks.VerifyEqualAsync(job, output);
        Assert.Equal(2 * Literals.Length, Assert.Single(results).SourceRows);
    }

    private static string Sql(string? literal) => literal is null ? "NULL" : "'" + literal + "'";

    /// <summary>Each lake row's TIMESTAMP and DATETIME as microseconds since 1970-01-01 (the instant, and the wall clock read as UTC).</summary>
    private static async Task<Dictionary<int, (long? Timestamp, long? Datetime)>> LakeValuesAsync(EndToEndJob job)
    {
        var table = Assert.Single(await job.DiscoverAsync());
        var lake = await job.TryOpenLakeTableAsync(table) ?? throw new InvalidOperationException("StartJob created no lake table.");
        var values = new Dictionary<int, (long?, long?)>();
        await foreach (var row in new DeltaScan(lake.Snapshot).Select("id", "ts", "dt").ReadRowsAsync())
        {
            values.Add(Convert.ToInt32(row[0], CultureInfo.InvariantCulture), (Micros(row[1]), Micros(row[2])));
        }

        return values;
    }

    private static long? Micros(object? value) => value switch
    {
        null => null,
        DateTime d => (d.Ticks - DateTime.UnixEpoch.Ticks) / 10,
        DateTimeOffset o => (o.UtcTicks - DateTime.UnixEpoch.Ticks) / 10,
        long micros => micros,
        _ => throw new InvalidOperationException($"A lake timestamp read as {value.GetType()}."),
    };
}
