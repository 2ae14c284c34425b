namespace Serverless.Cdc.Transport;

/// <summary>
/// A reader asked for a sequence number the log no longer holds (retention removed it, as Event Hubs does after its
/// retention time). The changes are gone from the log: the consumer has to restart from the source (a new snapshot of
/// its tables) or register a retention hold so that this cannot happen again.
/// </summary>
public sealed class SequenceTrimmedException : Exception
{
    public SequenceTrimmedException(int partition, long requestedSequenceNumber, long beginningSequenceNumber)
        : base($"Partition {partition} no longer holds sequence number {requestedSequenceNumber}: retention removed everything before {beginningSequenceNumber}. " +
               "Re-snapshot the tables this consumer writes, and have the consumer set a retention hold (SetRetentionHoldAsync) so that retention waits for it.")
    {
        Partition = partition;
        RequestedSequenceNumber = requestedSequenceNumber;
        BeginningSequenceNumber = beginningSequenceNumber;
    }

    public SequenceTrimmedException()
    {
    }

    public SequenceTrimmedException(string message)
        : base(message)
    {
    }

    public SequenceTrimmedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int Partition { get; }

    public long RequestedSequenceNumber { get; }

    public long BeginningSequenceNumber { get; }
}
