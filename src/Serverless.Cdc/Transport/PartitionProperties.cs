namespace Serverless.Cdc.Transport;

/// <summary>
/// What a partition holds: sequence numbers from <see cref="BeginningSequenceNumber"/> (the oldest retained) to
/// <see cref="LastSequenceNumber"/> (the newest published; -1 when nothing was ever published).
/// </summary>
public readonly record struct PartitionProperties(int Partition, long BeginningSequenceNumber, long LastSequenceNumber)
{
    public bool IsEmpty => LastSequenceNumber < BeginningSequenceNumber;
}
