namespace Serverless.Orchestrations.Streaming;

/// <summary>One bounded segment of the writer of change-log partition <paramref name="Partition"/>.</summary>
public sealed record WriterSegmentInput(string JobName, int Partition, int SegmentSeconds);
