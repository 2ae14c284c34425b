using Microsoft.DurableTask;
using Serverless.Orchestrations.Activities;

namespace Serverless.Orchestrations.JobApi;

/// <summary>
/// One line for an instance's failure, the same for the CLI and the job API: the orchestrator's failure names the
/// activity, its innermost cause says what went wrong, unless the failure was classified permanent, whose message already
/// names the thing and the fix (the raw OS error below it would only add noise).
/// </summary>
internal static class FailureText
{
    public static string Describe(TaskFailureDetails failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        if (IsPermanent(failure))
        {
            return failure.ErrorMessage.Replace(typeof(PermanentActivityFailureException).FullName + ": ", string.Empty, StringComparison.Ordinal);
        }

        var cause = failure;
        while (cause.InnerFailure is not null)
        {
            cause = cause.InnerFailure;
        }

        return failure.ErrorMessage.Contains(cause.ErrorMessage, StringComparison.Ordinal)
            ? failure.ErrorMessage
            : $"{failure.ErrorMessage} (cause: {cause.ErrorType}: {cause.ErrorMessage})";
    }

    /// <summary>Whether retrying cannot help: some failure in the chain was classified permanent.</summary>
    public static bool IsPermanent(TaskFailureDetails failure)
    {
        for (var f = failure; f is not null; f = f.InnerFailure)
        {
            if (f.IsCausedBy<PermanentActivityFailureException>())
            {
                return true;
            }
        }

        return false;
    }
}
