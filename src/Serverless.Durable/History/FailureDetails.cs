using Microsoft.DurableTask;

namespace Serverless.Durable.History;

/// <summary>
/// A failure as recorded in history: exception type and message survive serialization, the exception
/// object does not (the orchestrator may replay in another process long after the activity ran). Orchestrators
/// and clients see it as the SDK's <see cref="TaskFailureDetails"/>.
/// </summary>
/// <param name="ErrorType">Full name of the exception type.</param>
/// <param name="ErrorMessage">The exception message.</param>
/// <param name="StackTrace">The stack trace where it was thrown, for diagnostics.</param>
/// <param name="InnerFailure">The cause, when the exception wrapped another.</param>
public sealed record FailureDetails(
    string ErrorType,
    string ErrorMessage,
    string? StackTrace = null,
    FailureDetails? InnerFailure = null)
{
    /// <summary>Captures an exception and its inner chain.</summary>
    public static FailureDetails FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is TaskFailedException taskFailed)
        {
            // The activity's own failure is the useful cause; keep the orchestrator-side frame as the outer one.
            return new FailureDetails(
                exception.GetType().FullName ?? exception.GetType().Name,
                exception.Message,
                exception.StackTrace,
                FromTaskFailureDetails(taskFailed.FailureDetails));
        }

        return new FailureDetails(
            exception.GetType().FullName ?? exception.GetType().Name,
            exception.Message,
            exception.StackTrace,
            exception.InnerException is { } inner ? FromException(inner) : null);
    }

    /// <summary>The same failure as the SDK's record.</summary>
    public static FailureDetails FromTaskFailureDetails(TaskFailureDetails details)
    {
        ArgumentNullException.ThrowIfNull(details);
        return new FailureDetails(
            details.ErrorType,
            details.ErrorMessage,
            details.StackTrace,
            details.InnerFailure is { } inner ? FromTaskFailureDetails(inner) : null);
    }

    /// <summary>This failure as the SDK's record, which orchestrators and clients see.</summary>
    public TaskFailureDetails ToTaskFailureDetails() =>
        new(ErrorType, ErrorMessage, StackTrace, InnerFailure?.ToTaskFailureDetails(), null);

    /// <summary>This failure as DurableTask.Core's record, which a <see cref="RetryPolicy"/>'s Handle delegate reads.</summary>
    internal global::DurableTask.Core.FailureDetails ToCoreFailureDetails() =>
        new(ErrorType, ErrorMessage, StackTrace, InnerFailure?.ToCoreFailureDetails(), isNonRetriable: false);

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
