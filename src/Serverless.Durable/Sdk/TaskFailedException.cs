using Serverless.Durable.History;

namespace Serverless.Durable.Sdk;

/// <summary>
/// An activity the orchestrator awaited failed (after its retries, if any). The activity's exception type,
/// message and stack are in <see cref="FailureDetails"/>; the exception object itself does not cross history.
/// </summary>
public sealed class TaskFailedException : Exception
{
    public TaskFailedException(string taskName, int taskId, FailureDetails failureDetails, int attempts = 1)
        : base(BuildMessage(taskName, taskId, failureDetails, attempts))
    {
        TaskName = taskName;
        TaskId = taskId;
        FailureDetails = failureDetails;
        Attempts = attempts;
    }

    public TaskFailedException()
        : this("(unknown)", -1, new FailureDetails("(unknown)", "(unknown)"))
    {
    }

    public TaskFailedException(string message)
        : base(message)
    {
        TaskName = "(unknown)";
        TaskId = -1;
        FailureDetails = new FailureDetails("(unknown)", message);
        Attempts = 1;
    }

    public TaskFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
        TaskName = "(unknown)";
        TaskId = -1;
        FailureDetails = History.FailureDetails.FromException(innerException);
        Attempts = 1;
    }

    /// <summary>The activity name.</summary>
    public string TaskName { get; }

    /// <summary>The sequence number of the last attempt's task.</summary>
    public int TaskId { get; }

    /// <summary>The activity's failure.</summary>
    public FailureDetails FailureDetails { get; }

    /// <summary>How many attempts ran before the orchestrator saw this failure.</summary>
    public int Attempts { get; }

    private static string BuildMessage(string taskName, int taskId, FailureDetails failure, int attempts) =>
        attempts > 1
            ? $"Activity '{taskName}' (task {taskId}) failed after {attempts} attempts: {failure.ErrorType}: {failure.ErrorMessage}"
            : $"Activity '{taskName}' (task {taskId}) failed: {failure.ErrorType}: {failure.ErrorMessage}";
}
