namespace Serverless.Orchestrations.Streaming;

/// <summary>A table being snapshotted again while the stream runs, as the live view and <c>serverless status</c> show it.</summary>
public sealed record ResnapshotStatus
{
    public required string Table { get; init; }

    /// <summary>discovering, reading, publishing, or why it waits.</summary>
    public required string Phase { get; init; }

    public int ChunksRead { get; init; }

    public int Chunks { get; init; }

    /// <summary>The snapshot epoch the table is loaded at.</summary>
    public long Epoch { get; init; }

    /// <summary>Why it is snapshotted again: the change its writer could not apply in order.</summary>
    public string Reason { get; init; } = string.Empty;

    public DateTimeOffset StartedAtUtc { get; init; }
}
