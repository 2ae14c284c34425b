namespace Serverless.Cdc.Writer;

/// <summary>
/// The last <c>capacity</c> latency samples (milliseconds) and their percentiles: a live view wants the lag of recent
/// changes, not of the whole run. Not thread-safe; <see cref="WriterMetrics"/> locks around it.
/// </summary>
internal sealed class LatencyWindow(int capacity)
{
    private readonly double[] samples = new double[capacity];
    private int next;
    private int count;

    public void Add(double milliseconds)
    {
        samples[next] = milliseconds;
        next = (next + 1) % samples.Length;
        count = Math.Min(count + 1, samples.Length);
    }

    public int Count => count;

    /// <summary>The <paramref name="percentile"/> (0 to 100) by nearest rank, or null without samples.</summary>
    public double? Percentile(double percentile)
    {
        if (count == 0)
        {
            return null;
        }

        var sorted = samples.AsSpan(0, count).ToArray();
        Array.Sort(sorted);
        var rank = (int)Math.Ceiling(percentile / 100 * count);
        return sorted[Math.Clamp(rank - 1, 0, count - 1)];
    }
}
