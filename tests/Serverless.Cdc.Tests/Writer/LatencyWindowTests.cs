using Serverless.Cdc.Writer;

namespace Serverless.Cdc.Tests.Writer;

public sealed class LatencyWindowTests
{
    [Fact]
    public void PercentilesAreNearestRankOverTheLastSamples()
    {
        var window = new LatencyWindow(100);
        Assert.Null(window.Percentile(50));
        for (var i = 1; i <= 100; i++)
        {
            window.Add(i);
        }

        Assert.Equal(50, window.Percentile(50));
        Assert.Equal(99, window.Percentile(99));
        Assert.Equal(100, window.Percentile(100));

        // The window keeps the last 100: 1..50 are replaced by 1001..1050.
        for (var i = 1001; i <= 1050; i++)
        {
            window.Add(i);
        }

        Assert.Equal(100, window.Count);
        Assert.Equal(100, window.Percentile(50));
        Assert.Equal(1050, window.Percentile(100));
    }
}
