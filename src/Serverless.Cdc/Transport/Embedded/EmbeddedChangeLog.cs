namespace Serverless.Cdc.Transport.Embedded;

/// <summary>
/// The change transport in local files, for running capture and writers on one machine: a folder with
/// <c>changelog.json</c> (partition count, batch limit, format), a folder of segment files per partition, retention
/// holds and the publisher lock. Capture and writers may run in separate processes and crash independently: a publish
/// is acknowledged after fsync, a torn tail is cut off when the publisher opens the log, readers see only committed
/// batches. The format and its costs are in docs/design-notes.md ("Change transport").
/// </summary>
public sealed class EmbeddedChangeLog : IChangeLog
{
    private readonly EmbeddedChangeLogOptions options;
    private readonly RetentionHolds holds;

    private EmbeddedChangeLog(string directory, LogManifest manifest, EmbeddedChangeLogOptions options)
    {
        Directory = directory;
        this.options = options;
        PartitionCount = manifest.Partitions;
        MaxBatchBytes = manifest.MaxBatchBytes;
        holds = new RetentionHolds(directory);
    }

    public string Directory { get; }

    public int PartitionCount { get; }

    public int MaxBatchBytes { get; }

    /// <summary>Opens the log in <paramref name="directory"/>, creating it with <paramref name="partitionCount"/> partitions if it is not there.</summary>
    public static EmbeddedChangeLog OpenOrCreate(string directory, int partitionCount, EmbeddedChangeLogOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1);
        options ??= new EmbeddedChangeLogOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchBytes, 1024, nameof(options));
        var manifest = LogManifest.TryRead(directory)
            ?? LogManifest.CreateOrRead(directory, new LogManifest(LogManifest.CurrentFormat, partitionCount, options.MaxBatchBytes, options.TimeProvider.GetUtcNow()));
        if (manifest.Partitions != partitionCount)
        {
            throw new ChangeLogConfigurationException(
                $"The change log in '{directory}' was created with {manifest.Partitions} partitions, not {partitionCount}; the count is fixed at creation " +
                "(changing it would move keys between partitions). Open it with its count, or create a new log in another folder.");
        }

        return new EmbeddedChangeLog(directory, manifest, options);
    }

    /// <summary>Opens an existing log (readers use this: they must not create one).</summary>
    public static EmbeddedChangeLog Open(string directory, EmbeddedChangeLogOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var manifest = LogManifest.TryRead(directory)
            ?? throw new ChangeLogConfigurationException($"There is no change log in '{directory}' (no {LogManifest.FileName}); start capture first, or check the path.");
        return new EmbeddedChangeLog(directory, manifest, options ?? new EmbeddedChangeLogOptions());
    }

    ValueTask<IChangePublisher> IChangeLog.OpenPublisherAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IChangePublisher>(OpenPublisher());

    /// <summary>Opens the publisher, repairing each partition's active segment after a crash.</summary>
    public EmbeddedChangePublisher OpenPublisher() => new(Directory, PartitionCount, MaxBatchBytes, options, holds);

    IPartitionReader IChangeLog.OpenReader(int partition, long fromSequenceNumber) => OpenReader(partition, fromSequenceNumber);

    public EmbeddedPartitionReader OpenReader(int partition, long fromSequenceNumber)
    {
        CheckPartition(partition);
        ArgumentOutOfRangeException.ThrowIfNegative(fromSequenceNumber);
        return new EmbeddedPartitionReader(SegmentFiles.PartitionDirectory(Directory, partition), partition, MaxBatchBytes, fromSequenceNumber, options.CrossProcessPollInterval);
    }

    public ValueTask<PartitionProperties> GetPartitionPropertiesAsync(int partition, CancellationToken cancellationToken = default)
    {
        CheckPartition(partition);
        var directory = SegmentFiles.PartitionDirectory(Directory, partition);
        var bases = SegmentFiles.ListBases(directory);
        var beginning = bases.Count > 0 ? bases[0] : 0;
        return ValueTask.FromResult(new PartitionProperties(partition, beginning, PartitionCursor.LastCommittedSequence(directory, partition, MaxBatchBytes)));
    }

    public ValueTask SetRetentionHoldAsync(string consumer, int partition, long nextSequenceNeeded, CancellationToken cancellationToken = default)
    {
        CheckPartition(partition);
        holds.Set(consumer, partition, nextSequenceNeeded);
        return ValueTask.CompletedTask;
    }

    public ValueTask RemoveRetentionHoldAsync(string consumer, int partition, CancellationToken cancellationToken = default)
    {
        CheckPartition(partition);
        holds.Remove(consumer, partition);
        return ValueTask.CompletedTask;
    }

    private void CheckPartition(int partition)
    {
        if ((uint)partition >= (uint)PartitionCount)
        {
            throw new ArgumentOutOfRangeException(nameof(partition), partition, $"The change log in '{Directory}' has partitions 0 to {PartitionCount - 1}.");
        }
    }
}
