using Microsoft.DurableTask;
using Serverless.Orchestrations.Activities;

namespace Serverless.Orchestrations.StartJob;

/// <summary>
/// The SDK retry policies StartJob calls its activities with. Only transient failures are retried: every activity's
/// permanent failures (a refused login, an unwritable target, a full disk, a chunk that does not fit its table) arrive
/// as <see cref="PermanentActivityFailureException"/> (see <see cref="FailureClassification"/>) and are declined at once.
/// </summary>
internal static class ActivityRetry
{
    public static TaskOptions Source { get; } = Options(new RetryPolicy(3, TimeSpan.FromSeconds(2), backoffCoefficient: 2) { HandleFailure = IsTransient });

    public static TaskOptions Lake { get; } = Options(new RetryPolicy(5, TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(20)) { HandleFailure = IsTransient });

    public static TaskOptions Read { get; } = Options(new RetryPolicy(5, TimeSpan.FromSeconds(2), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(30)) { HandleFailure = IsTransient });

    /// <summary>False for a failure an activity marked permanent.</summary>
    public static bool IsTransient(TaskFailureDetails failure) => !failure.IsCausedBy<PermanentActivityFailureException>();

    private static TaskOptions Options(RetryPolicy policy) => TaskOptions.FromRetryPolicy(policy);
}
