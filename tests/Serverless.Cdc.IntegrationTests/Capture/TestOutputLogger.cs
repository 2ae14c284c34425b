using Microsoft.Extensions.Logging;

namespace Serverless.Cdc.IntegrationTests.Capture;

/// <summary>Writes log lines to the test's output, so a failing capture test shows what capture did.</summary>
internal sealed class TestOutputLogger(Xunit.Abstractions.ITestOutputHelper output) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        try
        {
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel}: {formatter(state, exception)}{(exception is null ? string.Empty : " (" + exception.GetType().Name + ": " + exception.Message + ")")}");
        }
        catch (InvalidOperationException)
        {
            // The test has ended; a late line from a background task has nowhere to go.
        }
    }
}
