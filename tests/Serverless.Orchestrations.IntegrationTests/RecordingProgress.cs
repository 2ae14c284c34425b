using Serverless.Orchestrations.Hosting;

namespace Serverless.Orchestrations.IntegrationTests;

/// <summary>Keeps every progress report, in order (reported synchronously by the runner).</summary>
public sealed class RecordingProgress : IProgress<JobProgress>
{
    private readonly List<JobProgress> reports = [];

    public IReadOnlyList<JobProgress> Reports
    {
        get
        {
            lock (reports)
            {
                return reports.ToList();
            }
        }
    }

    public JobProgress Last => Reports[^1];

    public void Report(JobProgress value)
    {
        lock (reports)
        {
            reports.Add(value);
        }
    }
}
