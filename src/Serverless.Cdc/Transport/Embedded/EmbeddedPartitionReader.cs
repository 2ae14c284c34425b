namespace Serverless.Cdc.Transport.Embedded;

/// <summary>Reads one partition of the embedded log from its files; any number of readers, in any process.</summary>
public sealed class EmbeddedPartitionReader : IPartitionReader
{
    private readonly PartitionCursor cursor;
    private readonly AppendSignal signal;
    private readonly TimeSpan pollInterval;
    private readonly List<CommittedRecord> records = [];

    internal EmbeddedPartitionReader(string partitionDirectory, int partition, int maxBatchBytes, long fromSequenceNumber, TimeSpan pollInterval)
    {
        cursor = new PartitionCursor(partitionDirectory, partition, maxBatchBytes, fromSequenceNumber);
        signal = AppendSignal.For(partitionDirectory);
        this.pollInterval = pollInterval;
    }

    public int Partition => cursor.Partition;

    public long NextSequenceNumber => cursor.NextSequence;

    public IReadOnlyList<ReceivedChange> TryRead(int maxEvents)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEvents, 1);
        records.Clear();
        cursor.Read(records, maxEvents);
        if (records.Count == 0)
        {
            return [];
        }

        var changes = new ReceivedChange[records.Count];
        for (var i = 0; i < changes.Length; i++)
        {
            var r = records[i];
            changes[i] = new ReceivedChange(Partition, r.Sequence, DateTimeOffset.FromUnixTimeMilliseconds(r.TimeMilliseconds), r.Change!);
        }

        return changes;
    }

    public async ValueTask<IReadOnlyList<ReceivedChange>> ReadAsync(int maxEvents, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var appended = signal.NextAppend;
            var changes = TryRead(maxEvents);
            if (changes.Count > 0)
            {
                return changes;
            }

            // A publisher in this process completes the signal; one in another process is seen at the next poll.
            using var poll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(pollInterval, poll.Token);
            await Task.WhenAny(appended, delay).ConfigureAwait(false);
            await poll.CancelAsync().ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
    }
}
