namespace Serverless.Bench;

/// <summary>The fastest of several timed runs, with the CPU time that run used.</summary>
public sealed class MySqlBestRun
{
    public double Seconds { get; private set; } = double.MaxValue;

    public double CpuSeconds { get; private set; }

    public void Add(double seconds, double cpuSeconds)
    {
        if (seconds < Seconds)
        {
            Seconds = seconds;
            CpuSeconds = cpuSeconds;
        }
    }
}
