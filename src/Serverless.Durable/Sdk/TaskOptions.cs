namespace Serverless.Durable.Sdk;

/// <summary>Options for one scheduled activity call.</summary>
/// <param name="Retry">Retry on failure with durable-timer backoff; null runs the activity once.</param>
public sealed record TaskOptions(RetryPolicy? Retry = null)
{
    /// <summary>Options that retry under <paramref name="policy"/>.</summary>
    public static TaskOptions FromRetryPolicy(RetryPolicy policy) => new(policy);
}
