namespace Serverless.Cdc.Transport;

/// <summary>Reads one partition in sequence order from a starting sequence number, like Event Hubs' partition receiver.</summary>
public interface IPartitionReader : IDisposable
{
    int Partition { get; }

    /// <summary>The sequence number the next read returns first.</summary>
    long NextSequenceNumber { get; }

    /// <summary>Up to <paramref name="maxEvents"/> changes that are already there; empty when there are none yet.</summary>
    IReadOnlyList<ReceivedChange> TryRead(int maxEvents);

    /// <summary>
    /// Up to <paramref name="maxEvents"/> changes, waiting until at least one is there or the token is cancelled (then
    /// <see cref="OperationCanceledException"/>). The wait ends when a publish appends to the partition.
    /// </summary>
    ValueTask<IReadOnlyList<ReceivedChange>> ReadAsync(int maxEvents, CancellationToken cancellationToken = default);
}
