namespace Serverless.Durable.Runtime.Storage;

/// <summary>What the newest history batch says about an instance.</summary>
/// <param name="Exists">Any history exists.</param>
/// <param name="IsCompleted">The current execution recorded completion, failure or termination.</param>
internal readonly record struct InstanceTail(bool Exists, bool IsCompleted)
{
    public static InstanceTail Missing => new(false, false);
}
