namespace Serverless.Cdc.Transport;

/// <summary>
/// A durably accepted batch: its partition and the sequence numbers its changes got, in batch order
/// (<see cref="FirstSequenceNumber"/> to <see cref="LastSequenceNumber"/>, contiguous). A log that does not tell
/// producers where a keyed batch went or which sequence numbers it got (Event Hubs assigns them on receipt) reports -1;
/// capture needs only the acknowledgement, readers get the sequence numbers with each change.
/// </summary>
public readonly record struct PublishReceipt(int Partition, long FirstSequenceNumber, int Count)
{
    public long LastSequenceNumber => FirstSequenceNumber < 0 ? -1 : FirstSequenceNumber + Count - 1;

    public bool HasSequenceNumbers => FirstSequenceNumber >= 0;
}
