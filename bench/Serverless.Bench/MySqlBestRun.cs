namespace Serverless.Bench;

/// <summary>The fastest of several timed runs and the least CPU time any run used (the least noisy estimate of each).</summary>
public sealed class MySqlBestRun
{
    public double Seconds { get; private set; } = double.MaxValue;

    public double CpuSeconds { get; private set; } = double.MaxValue;

    public void Add(double seconds, double cpuSeconds)
    {
        Seconds = Math.Min(Seconds, seconds);
        CpuSeconds = Math.Min(CpuSeconds, cpuSeconds);
    }
}
