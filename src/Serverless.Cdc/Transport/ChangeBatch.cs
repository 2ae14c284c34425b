using Serverless.Cdc.Capture;

namespace Serverless.Cdc.Transport;

/// <summary>
/// Change events bound for one partition, serialized as they are added, like Event Hubs' EventDataBatch:
/// <see cref="TryAdd"/> returns false once the next event would take the batch past its size limit (publish this
/// batch and start another); an event too large for any batch is refused with <see cref="ChangeEventTooLargeException"/>.
/// Space for the log's per-event framing is reserved before each event, so the log writes the batch without copying it.
/// A batch is published once; its memory goes back to a pool then.
/// </summary>
public sealed class ChangeBatch
{
    private readonly ByteBuffer payloads = new(4096);
    private readonly List<Range> ranges = [];
    private readonly int perEventOverheadBytes;

    internal ChangeBatch(int? partition, string? partitionKey, int maxBytes, int perEventOverheadBytes, object owner)
    {
        Partition = partition;
        PartitionKey = partitionKey;
        MaxBytes = maxBytes;
        this.perEventOverheadBytes = perEventOverheadBytes;
        Owner = owner;
    }

    /// <summary>The partition the batch goes to, when the log resolved it (the embedded log always does).</summary>
    public int? Partition { get; }

    public string? PartitionKey { get; }

    public int MaxBytes { get; }

    /// <summary>The bytes the batch takes in the log, framing included.</summary>
    public int SizeInBytes { get; private set; }

    public int Count => ranges.Count;

    /// <summary>The publisher that made the batch; a batch is published by the publisher that created it.</summary>
    internal object Owner { get; }

    /// <summary>Adds the event if the batch has room for it; false when it has not (the event is not added).</summary>
    public bool TryAdd(ChangeEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        ThrowIfPublished();
        var start = payloads.Length;
        payloads.GetSpan(perEventOverheadBytes)[..perEventOverheadBytes].Clear();
        payloads.Advance(perEventOverheadBytes);
        ChangeEventSerializer.Serialize(change, payloads);
        var length = payloads.Length - start - perEventOverheadBytes;
        var size = length + perEventOverheadBytes;
        if (size > MaxBytes)
        {
            payloads.Truncate(start);
            throw new ChangeEventTooLargeException(change, size, MaxBytes);
        }

        if (SizeInBytes + size > MaxBytes)
        {
            payloads.Truncate(start);
            return false;
        }

        ranges.Add(new Range(start + perEventOverheadBytes, start + perEventOverheadBytes + length));
        SizeInBytes += size;
        return true;
    }

    public bool IsPublished { get; private set; }

    /// <summary>The serialized events in the order they were added.</summary>
    internal ReadOnlyMemory<byte> Payload(int index) => payloads.Written[ranges[index]];

    /// <summary>The per-event framing space before event <paramref name="index"/>.</summary>
    internal Span<byte> Frame(int index) => payloads.Written.Span.Slice(ranges[index].Start.Value - perEventOverheadBytes, perEventOverheadBytes);

    /// <summary>Every event with its framing space, as one block.</summary>
    internal ReadOnlyMemory<byte> Framed => payloads.Written;

    internal void ThrowIfPublished()
    {
        if (IsPublished)
        {
            throw new InvalidOperationException("The batch was published already; create a new batch for more changes.");
        }
    }

    /// <summary>Marks the batch published and returns its memory to the pool.</summary>
    internal void MarkPublished()
    {
        IsPublished = true;
        payloads.Release();
    }
}
