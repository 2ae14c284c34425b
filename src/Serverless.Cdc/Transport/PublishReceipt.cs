namespace Serverless.Cdc.Transport;

/// <summary>
/// A durably accepted batch: its partition and the sequence numbers its changes got, in batch order
/// (<see cref="FirstSequenceNumber"/> to <see cref="LastSequenceNumber"/>, contiguous).
/// </summary>
public readonly record struct PublishReceipt(int Partition, long FirstSequenceNumber, int Count)
{
    public long LastSequenceNumber => FirstSequenceNumber + Count - 1;
}
