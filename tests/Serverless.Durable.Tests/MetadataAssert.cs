using Microsoft.DurableTask.Client;

namespace Serverless.Durable.Tests;

/// <summary>
/// Field-by-field equality of the SDK's <see cref="OrchestrationMetadata"/> (a class without value equality), for tests
/// that compare the status read from memory, from the store and from the whole history.
/// </summary>
internal static class MetadataAssert
{
    public static void Same(OrchestrationMetadata? expected, OrchestrationMetadata? actual)
    {
        if (expected is null || actual is null)
        {
            Assert.Equal(expected is null, actual is null);
            return;
        }

        Assert.Equal(Describe(expected), Describe(actual));
    }

    /// <summary>Every field a client reads, as one comparable value.</summary>
    public static object Describe(OrchestrationMetadata m) => new
    {
        m.InstanceId,
        m.Name,
        m.RuntimeStatus,
        m.CreatedAt,
        m.LastUpdatedAt,
        m.SerializedInput,
        m.SerializedOutput,
        m.SerializedCustomStatus,
        Failure = m.FailureDetails?.ToString(),
    };
}
