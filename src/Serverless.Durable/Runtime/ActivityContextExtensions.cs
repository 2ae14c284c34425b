using Microsoft.DurableTask;

namespace Serverless.Durable.Runtime;

/// <summary>What activities need from their context beyond the SDK's members, answered on every backend.</summary>
public static class ActivityContextExtensions
{
    /// <summary>
    /// The token that stops the activity when its host shuts down: the embedded runtime's shutdown token, or none on a
    /// backend whose context carries no token (the SDK's worker: the host stops the process instead).
    /// </summary>
    public static CancellationToken GetCancellationToken(this TaskActivityContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context is EmbeddedActivityContext embedded ? embedded.CancellationToken : CancellationToken.None;
    }
}
