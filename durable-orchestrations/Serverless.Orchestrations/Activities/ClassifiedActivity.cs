using Microsoft.DurableTask;

namespace Serverless.Orchestrations.Activities;

/// <summary>
/// Runs an activity and turns its permanent failures (<see cref="FailureClassification"/>) into <see cref="PermanentActivityFailureException"/>, which every retry
/// policy of StartJob declines (<see cref="StartJob.ActivityRetry"/>): an unwritable target or a refused login fails in one attempt with its own message,
/// instead of five attempts and a minute of backoff. Transient failures pass through unchanged and are retried.
/// </summary>
public sealed class ClassifiedActivity(ITaskActivity inner) : ITaskActivity
{
    public Type InputType => inner.InputType;

    public Type OutputType => inner.OutputType;

    public async Task<object?> RunAsync(TaskActivityContext context, object? input)
    {
        try
        {
            return await inner.RunAsync(context, input).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not PermanentActivityFailureException && FailureClassification.IsPermanent(e))
        {
            throw new PermanentActivityFailureException(e.Message, e);
        }
    }
}
