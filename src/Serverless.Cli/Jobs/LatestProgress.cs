using Serverless.Orchestrations.Hosting;

namespace Serverless.Cli.Jobs;

/// <summary>
/// Keeps the newest progress report. The runner reports in order on its own thread; the display polls
/// this at its own pace, so a slow terminal never holds the job back.
/// </summary>
internal sealed class LatestProgress : IProgress<JobProgress>
{
    private JobProgress? value;

    public JobProgress? Value => Volatile.Read(ref value);

    public void Report(JobProgress value) => Volatile.Write(ref this.value, value);
}
