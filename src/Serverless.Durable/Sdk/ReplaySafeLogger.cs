using Microsoft.Extensions.Logging;

namespace Serverless.Durable.Sdk;

/// <summary>Forwards log calls only while the orchestrator is executing new events, not replaying old ones.</summary>
internal sealed class ReplaySafeLogger : ILogger
{
    private readonly TaskOrchestrationContext context;
    private readonly ILogger inner;

    public ReplaySafeLogger(TaskOrchestrationContext context, ILogger inner)
    {
        this.context = context;
        this.inner = inner;
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => !context.IsReplaying && inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!context.IsReplaying)
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
