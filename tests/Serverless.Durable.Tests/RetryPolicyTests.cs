using FsCheck;
using FsCheck.Fluent;
using Serverless.Durable.History;
using Serverless.Durable.Sdk;

namespace Serverless.Durable.Tests;

public sealed class RetryPolicyTests
{
    [Fact]
    public void RetryDelaysGrowGeometricallyAndStopAtTheCap()
    {
        Prop.ForAll<PositiveInt, PositiveInt, PositiveInt>((firstMs, coefficientTenths, failedAttempt) =>
        {
            var first = TimeSpan.FromMilliseconds(Math.Min(firstMs.Get, 10_000));
            var coefficient = 1.0 + (Math.Min(coefficientTenths.Get, 50) / 10.0);
            var max = first * 20;
            var policy = new RetryPolicy(100, first, coefficient, max);
            var attempt = Math.Min(failedAttempt.Get, 60);
            var delay = policy.GetRetryDelay(attempt);
            var next = policy.GetRetryDelay(attempt + 1);
            var expected = Math.Min(first.Ticks * Math.Pow(coefficient, attempt - 1), max.Ticks);
            return delay <= max && next >= delay && Math.Abs(delay.Ticks - expected) <= 1;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void RetryStopsAtMaxAttemptsForNonRetriableFailuresAndAfterTheRetryTimeout()
    {
        var policy = new RetryPolicy(3, TimeSpan.FromSeconds(1), 2, retryTimeout: TimeSpan.FromSeconds(5));
        var failure = new FailureDetails("System.IO.IOException", "transient");

        Assert.True(policy.ShouldRetry(failure, 1, TimeSpan.Zero));
        Assert.False(policy.ShouldRetry(failure, 3, TimeSpan.Zero));
        Assert.False(policy.ShouldRetry(failure with { IsNonRetriable = true }, 1, TimeSpan.Zero));
        Assert.False(policy.ShouldRetry(failure, 2, TimeSpan.FromSeconds(4)));
        Assert.False(new RetryPolicy(3, TimeSpan.FromSeconds(1)) { Handle = f => f.ErrorType != "System.IO.IOException" }.ShouldRetry(failure, 1, TimeSpan.Zero));
    }

    [Fact]
    public void InvalidRetrySettingsAreRejectedWithTheOffendingValue()
    {
        var attempts = Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy(0, TimeSpan.FromSeconds(1)));
        Assert.Equal("maxNumberOfAttempts", attempts.ParamName);
        var coefficient = Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy(2, TimeSpan.FromSeconds(1), 0.5));
        Assert.Equal("backoffCoefficient", coefficient.ParamName);
        var max = Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy(2, TimeSpan.FromSeconds(2), 1, TimeSpan.FromSeconds(1)));
        Assert.Equal("maxRetryInterval", max.ParamName);
    }
}
