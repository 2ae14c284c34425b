using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Serverless.Bench;

/// <summary>
/// Diagnostic log of a snapshot child (SERVERLESS_BENCH_SNAPSHOT_LOG=1): every log line of the job to stderr with the
/// seconds since start, to see where a run spends its time.
/// </summary>
public sealed class SnapshotTimelineLog : ILoggerProvider
{
    private readonly Stopwatch clock = Stopwatch.StartNew();

    public ILogger CreateLogger(string categoryName) => new Writer(this, categoryName[(categoryName.LastIndexOf('.') + 1)..]);

    public void Dispose()
    {
    }

    private sealed class Writer(SnapshotTimelineLog owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{owner.clock.Elapsed.TotalSeconds,8:0.000} {category}: {formatter(state, exception)}"));
        }
    }
}
