using Serverless.Orchestrations.Hosting;
using Serverless.Orchestrations.StartJob;

namespace Serverless.Orchestrations.IntegrationTests;

/// <summary>Rates and ETAs the CLI shows, from successive statuses (no server needed).</summary>
public sealed class ProgressTrackerTests
{
    private static readonly JobProgress Baseline = new() { JobName = "job", Phase = JobPhase.Starting };

    [Fact]
    public void FinishedTableShowsItsAverageRateNotZero()
    {
        var tracker = new ProgressTracker();
        tracker.Build(Baseline, Status(JobPhase.Snapshotting, Table("db.a", rows: 0, complete: false)), TimeSpan.FromSeconds(1));
        var reading = tracker.Build(Baseline, Status(JobPhase.Snapshotting, Table("db.a", rows: 50_000, complete: false)), TimeSpan.FromSeconds(2));
        var done = tracker.Build(Baseline, Status(JobPhase.Snapshotting, Table("db.a", rows: 100_000, complete: true)), TimeSpan.FromSeconds(3));
        var later = tracker.Build(Baseline, Status(JobPhase.Completed, Table("db.a", rows: 100_000, complete: true)), TimeSpan.FromSeconds(9));

        Assert.Equal(50_000, reading.Tables[0].RowsPerSecond, precision: 0);
        Assert.Equal(50_000, done.Tables[0].RowsPerSecond, precision: 0);   // 100,000 rows between seconds 1 and 3
        Assert.Equal(50_000, later.Tables[0].RowsPerSecond, precision: 0);  // stays at the average, does not decay
        Assert.Null(later.Tables[0].Eta);
    }

    [Fact]
    public void TableFinishedInAnEarlierRunOrBetweenPollsHasNoRate()
    {
        var tracker = new ProgressTracker();
        var progress = tracker.Build(
            Baseline,
            Status(JobPhase.Snapshotting, Table("db.earlier", rows: 10, complete: true) with { CompletedEarlier = true }, Table("db.quick", rows: 10, complete: true)),
            TimeSpan.FromSeconds(1));

        Assert.All(progress.Tables, t => Assert.Equal(0, t.RowsPerSecond));
    }

    private static SnapshotStatus Status(JobPhase phase, params TableSnapshotStatus[] tables) => new() { Phase = phase, Tables = tables };

    private static TableSnapshotStatus Table(string name, long rows, bool complete) => new()
    {
        SourceTable = name,
        LakeTable = name.Replace('.', '_'),
        ChunksTotal = 2,
        ChunksRead = complete ? 2 : rows > 0 ? 1 : 0,
        RowsEstimate = 100_000,
        RowsRead = rows,
        Complete = complete,
    };
}
