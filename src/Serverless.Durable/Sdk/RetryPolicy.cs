using Serverless.Durable.History;

namespace Serverless.Durable.Sdk;

/// <summary>
/// Declarative retry for activity calls. Waits between attempts are durable timers, so a retry schedule
/// survives process restarts and is replayed deterministically. Delay before retry n (1-based) is
/// firstRetryInterval × backoffCoefficient^(n-1), capped at maxRetryInterval.
/// </summary>
public sealed class RetryPolicy
{
    public RetryPolicy(
        int maxNumberOfAttempts,
        TimeSpan firstRetryInterval,
        double backoffCoefficient = 1.0,
        TimeSpan? maxRetryInterval = null,
        TimeSpan? retryTimeout = null)
    {
        if (maxNumberOfAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxNumberOfAttempts), maxNumberOfAttempts, "A retry policy needs at least one attempt.");
        }

        if (firstRetryInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(firstRetryInterval), firstRetryInterval, "The first retry interval must be positive.");
        }

        if (!(backoffCoefficient >= 1.0) || double.IsInfinity(backoffCoefficient))
        {
            throw new ArgumentOutOfRangeException(nameof(backoffCoefficient), backoffCoefficient, "The backoff coefficient must be a finite number of at least 1.");
        }

        if (maxRetryInterval is { } max && max < firstRetryInterval)
        {
            throw new ArgumentOutOfRangeException(nameof(maxRetryInterval), max, $"The maximum retry interval must be at least the first retry interval ({firstRetryInterval}).");
        }

        MaxNumberOfAttempts = maxNumberOfAttempts;
        FirstRetryInterval = firstRetryInterval;
        BackoffCoefficient = backoffCoefficient;
        MaxRetryInterval = maxRetryInterval ?? TimeSpan.FromHours(1);
        RetryTimeout = retryTimeout ?? Timeout.InfiniteTimeSpan;
    }

    /// <summary>Total attempts including the first.</summary>
    public int MaxNumberOfAttempts { get; }

    public TimeSpan FirstRetryInterval { get; }

    public double BackoffCoefficient { get; }

    public TimeSpan MaxRetryInterval { get; }

    /// <summary>No retry starts later than this after the first attempt (infinite by default).</summary>
    public TimeSpan RetryTimeout { get; }

    /// <summary>Decides whether a failure is worth retrying; null retries every retriable failure.</summary>
    public Func<FailureDetails, bool>? Handle { get; init; }

    /// <summary>The wait before the retry that follows failed attempt <paramref name="failedAttempt"/> (1-based).</summary>
    public TimeSpan GetRetryDelay(int failedAttempt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempt, 1);
        var ticks = FirstRetryInterval.Ticks * Math.Pow(BackoffCoefficient, failedAttempt - 1);
        return ticks >= MaxRetryInterval.Ticks ? MaxRetryInterval : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Whether a failure after <paramref name="failedAttempt"/> attempts should be retried.</summary>
    public bool ShouldRetry(FailureDetails failure, int failedAttempt, TimeSpan elapsedSinceFirstAttempt)
    {
        ArgumentNullException.ThrowIfNull(failure);
        if (failedAttempt >= MaxNumberOfAttempts || failure.IsNonRetriable)
        {
            return false;
        }

        if (RetryTimeout != Timeout.InfiniteTimeSpan && elapsedSinceFirstAttempt + GetRetryDelay(failedAttempt) > RetryTimeout)
        {
            return false;
        }

        return Handle is null || Handle(failure);
    }
}
