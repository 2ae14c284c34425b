namespace Serverless.Durable.Sdk;

/// <summary>
/// Thrown by an activity to say that retrying cannot help (bad input, missing permission); retry policies
/// stop at once and the orchestrator sees the failure.
/// </summary>
public sealed class NonRetriableException : Exception
{
    public NonRetriableException()
    {
    }

    public NonRetriableException(string message)
        : base(message)
    {
    }

    public NonRetriableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
