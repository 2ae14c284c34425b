using Microsoft.DurableTask;

namespace Serverless.Orchestrations.JobApi;

/// <summary>One line for an instance's failure: StartJob's failure names the activity, its innermost cause what went wrong.</summary>
internal static class FailureText
{
    public static string Describe(TaskFailureDetails failure)
    {
        var cause = failure;
        while (cause.InnerFailure is not null)
        {
            cause = cause.InnerFailure;
        }

        return failure.ErrorMessage.Contains(cause.ErrorMessage, StringComparison.Ordinal)
            ? failure.ErrorMessage
            : $"{failure.ErrorMessage} (cause: {cause.ErrorType}: {cause.ErrorMessage})";
    }
}
