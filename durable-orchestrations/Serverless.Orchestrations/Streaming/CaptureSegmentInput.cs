namespace Serverless.Orchestrations.Streaming;

/// <summary>One bounded segment of a job's capture: it runs until <paramref name="SegmentSeconds"/> pass, then returns its progress.</summary>
public sealed record CaptureSegmentInput(string JobName, int SegmentSeconds);
