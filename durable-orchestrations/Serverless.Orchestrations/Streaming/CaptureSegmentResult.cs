namespace Serverless.Orchestrations.Streaming;

/// <summary>What a capture segment did: changes published, where it stopped reading and what it checkpointed.</summary>
public sealed record CaptureSegmentResult(long ChangesPublished, string? Position, string? Checkpoint, int Reconnects);
