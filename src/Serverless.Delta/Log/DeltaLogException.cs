namespace Serverless.Delta.Log;

/// <summary>The log cannot produce a snapshot: a missing or gapped version, no table, a refused checkpoint kind.</summary>
public sealed class DeltaLogException : DeltaException
{
    public DeltaLogException(string message)
        : base(message)
    {
    }

    public DeltaLogException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
