namespace Serverless.Durable.Sdk;

/// <summary>
/// Base class for activities: the units of real work (I/O, queries, file writes) an orchestrator schedules.
/// Activities run AT LEAST ONCE: a runtime that dies after an activity finished but before its result was
/// persisted runs it again on restart, so every activity must be idempotent (write with put-if-absent,
/// upsert rather than insert, check for its own earlier output). A completed activity whose result reached
/// history is never run again.
/// </summary>
public abstract class TaskActivity<TInput, TOutput> : ITaskActivity
{
    Type ITaskActivity.InputType => typeof(TInput);

    Type ITaskActivity.OutputType => typeof(TOutput);

    /// <summary>The activity's work.</summary>
    public abstract Task<TOutput> RunAsync(TaskActivityContext context, TInput input);

    async Task<object?> ITaskActivity.RunAsync(TaskActivityContext context, object? input) =>
        await RunAsync(context, (TInput)input!).ConfigureAwait(false);
}
