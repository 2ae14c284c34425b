using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace Serverless.Bench;

/// <summary>
/// Diagnostic: samples the runtime's GC allocation ticks (one event per ~100 KB allocated, naming the type of the
/// object that crossed the threshold) and sums them per type, to show what a run allocates without a profiler.
/// </summary>
public sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> bytesByType = new();

    public string Top(int count) => string.Join("; ", bytesByType.OrderByDescending(p => p.Value).Take(count)
        .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value / 1e6:0.0} MB")));

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || eventData.PayloadNames is null)
        {
            return;
        }

        var type = eventData.Payload![eventData.PayloadNames.IndexOf("TypeName")] as string ?? "?";
        var amountIndex = eventData.PayloadNames.IndexOf("AllocationAmount64");
        var amount = amountIndex >= 0 ? Convert.ToInt64(eventData.Payload[amountIndex], CultureInfo.InvariantCulture) : 100_000;
        bytesByType.AddOrUpdate(type, amount, (_, v) => v + amount);
    }
}
