namespace Serverless.Durable.Sdk;

/// <summary>
/// Base class for orchestrators. A new instance is created for every replay, with constructor injection from
/// the runtime's service provider. The code must be deterministic: it may only await tasks from the
/// <see cref="TaskOrchestrationContext"/> (activities, timers, external events, Task.WhenAll/WhenAny over those),
/// and must take time, GUIDs and randomness from the context. No I/O, Task.Run, Task.Delay or ConfigureAwait(false).
/// </summary>
public abstract class TaskOrchestrator<TInput, TOutput> : ITaskOrchestrator
{
    Type ITaskOrchestrator.InputType => typeof(TInput);

    Type ITaskOrchestrator.OutputType => typeof(TOutput);

    /// <summary>The orchestration's logic.</summary>
    public abstract Task<TOutput> RunAsync(TaskOrchestrationContext context, TInput input);

    async Task<object?> ITaskOrchestrator.RunAsync(TaskOrchestrationContext context, object? input) =>
        await RunAsync(context, (TInput)input!).ConfigureAwait(true);
}
