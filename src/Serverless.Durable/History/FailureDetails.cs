namespace Serverless.Durable.History;

/// <summary>
/// A failure as recorded in history: exception type and message survive serialization, the exception
/// object does not (the orchestrator may replay in another process long after the activity ran).
/// </summary>
/// <param name="ErrorType">Full name of the exception type.</param>
/// <param name="ErrorMessage">The exception message.</param>
/// <param name="StackTrace">The stack trace where it was thrown, for diagnostics.</param>
/// <param name="InnerFailure">The cause, when the exception wrapped another.</param>
/// <param name="IsNonRetriable">True when retrying cannot help; retry policies stop at once.</param>
public sealed record FailureDetails(
    string ErrorType,
    string ErrorMessage,
    string? StackTrace = null,
    FailureDetails? InnerFailure = null,
    bool IsNonRetriable = false)
{
    /// <summary>Captures an exception and its inner chain.</summary>
    public static FailureDetails FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is Sdk.TaskFailedException taskFailed)
        {
            // The activity's own failure is the useful cause; keep the orchestrator-side frame as the outer one.
            return new FailureDetails(
                exception.GetType().FullName ?? exception.GetType().Name,
                exception.Message,
                exception.StackTrace,
                taskFailed.FailureDetails);
        }

        return new FailureDetails(
            exception.GetType().FullName ?? exception.GetType().Name,
            exception.Message,
            exception.StackTrace,
            exception.InnerException is { } inner ? FromException(inner) : null,
            exception is Sdk.NonRetriableException);
    }

    /// <summary>True when this failure or one of its causes has the given exception type.</summary>
    public bool IsCausedBy<TException>()
        where TException : Exception
    {
        var name = typeof(TException).FullName;
        for (var f = this; f is not null; f = f.InnerFailure)
        {
            if (f.ErrorType == name)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>"Type: message" for this failure and its causes, one per line.</summary>
    public override string ToString()
    {
        var text = $"{ErrorType}: {ErrorMessage}";
        return InnerFailure is null ? text : text + Environment.NewLine + " ---> " + InnerFailure;
    }
}
