using Serverless.Durable.Sdk;

namespace Serverless.Orchestrations.Activities;

/// <summary>
/// Runs an activity and marks its permanent failures (<see cref="FailureClassification"/>) non-retriable, so every retry
/// policy stops at the first one: an unwritable target or a refused login fails in one attempt with its own message,
/// instead of five attempts and a minute of backoff. Transient failures pass through unchanged and are retried.
/// </summary>
internal sealed class ClassifiedActivity(ITaskActivity inner) : ITaskActivity
{
    public Type InputType => inner.InputType;

    public Type OutputType => inner.OutputType;

    public async Task<object?> RunAsync(TaskActivityContext context, object? input)
    {
        try
        {
            return await inner.RunAsync(context, input).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not NonRetriableException && FailureClassification.IsPermanent(e))
        {
            throw new NonRetriableException(e.Message, e);
        }
    }
}
