namespace Serverless.Orchestrations.Activities;

/// <summary>
/// An activity failure that retrying cannot fix (bad input, a missing permission, an unwritable target): the
/// orchestrators' retry policies decline it (<see cref="StartJob.ActivityRetry"/>, through the SDK's
/// <c>RetryPolicy.HandleFailure</c> and <c>TaskFailureDetails.IsCausedBy</c>), so it fails in one attempt with its own
/// message on every Durable Task backend. The original exception is the inner one.
/// </summary>
public sealed class PermanentActivityFailureException : Exception
{
    public PermanentActivityFailureException()
    {
    }

    public PermanentActivityFailureException(string message)
        : base(message)
    {
    }

    public PermanentActivityFailureException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
