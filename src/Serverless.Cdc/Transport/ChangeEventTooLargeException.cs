using Serverless.Cdc.Capture;

namespace Serverless.Cdc.Transport;

/// <summary>
/// A single change event larger than any publish batch may be. It is refused, not split: a row image this large
/// (a LONGBLOB, a big JSON document) needs a larger batch limit on the embedded log or, on Event Hubs, a row stored
/// beside the log (claim check), which is not built yet.
/// </summary>
public sealed class ChangeEventTooLargeException : Exception
{
    public ChangeEventTooLargeException(ChangeEvent change, int eventBytes, int maxBatchBytes)
        : base($"The {change?.Kind} of {change?.QualifiedTable} at {change?.Position} takes {eventBytes} bytes serialized, more than the change log's batch limit of {maxBatchBytes} bytes. " +
               "Rows this large are refused, not split: raise MaxBatchBytes when creating the embedded log (Event Hubs allows at most 1 MB), or exclude the table's large columns.")
    {
        EventBytes = eventBytes;
        MaxBatchBytes = maxBatchBytes;
    }

    public ChangeEventTooLargeException()
    {
    }

    public ChangeEventTooLargeException(string message)
        : base(message)
    {
    }

    public ChangeEventTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int EventBytes { get; }

    public int MaxBatchBytes { get; }
}
