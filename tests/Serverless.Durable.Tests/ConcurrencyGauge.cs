namespace Serverless.Durable.Tests;

/// <summary>Counts activities running at once and remembers the peak.</summary>
internal sealed class ConcurrencyGauge
{
    private int current;
    private int peak;
    private int total;

    public int Peak => Volatile.Read(ref peak);

    public int Total => Volatile.Read(ref total);

    public async Task<T> MeasureAsync<T>(Func<Task<T>> work)
    {
        var now = Interlocked.Increment(ref current);
        Interlocked.Increment(ref total);
        int seen;
        while (now > (seen = Volatile.Read(ref peak)) && Interlocked.CompareExchange(ref peak, now, seen) != seen)
        {
        }

        try
        {
            return await work();
        }
        finally
        {
            Interlocked.Decrement(ref current);
        }
    }
}
