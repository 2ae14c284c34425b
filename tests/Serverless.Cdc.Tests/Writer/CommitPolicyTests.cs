using Serverless.Cdc.Writer;

namespace Serverless.Cdc.Tests.Writer;

public sealed class CommitPolicyTests
{
    private static readonly CommitPolicy Policy = new() { MaxBufferedChanges = 100, MaxBufferedBytes = 1000, MaxBufferAge = TimeSpan.FromMilliseconds(500) };

    [Theory]
    [InlineData(0, 0, 10_000, false)] // nothing buffered is never due
    [InlineData(99, 999, 499, false)]
    [InlineData(100, 0, 0, true)]
    [InlineData(1, 1000, 0, true)]
    [InlineData(1, 0, 500, true)]
    public void ABatchIsDueByCountBytesOrAge(int changes, long bytes, int ageMs, bool due) =>
        Assert.Equal(due, Policy.IsDue(changes, bytes, TimeSpan.FromMilliseconds(ageMs)));

    [Fact]
    public void TheWaitEndsWhenTheOldestChangeIsDue()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(300), Policy.TimeUntilDue(TimeSpan.FromMilliseconds(200)));
        Assert.Equal(TimeSpan.Zero, Policy.TimeUntilDue(TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void TheDefaultsLetAChangeWaitAtMostHalfASecond()
    {
        var defaults = new CommitPolicy();
        Assert.True(defaults.MaxBufferAge <= TimeSpan.FromMilliseconds(500));
        Assert.True(defaults.IsDue(1, 1, TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public void AnInvalidPolicyIsRefusedNamingItsLimits()
    {
        var error = Assert.Throws<ArgumentException>(() => new CommitPolicy { MaxBufferedChanges = 0 }.Validate());
        Assert.Contains("MaxBufferedChanges", error.Message, StringComparison.Ordinal);
    }
}
