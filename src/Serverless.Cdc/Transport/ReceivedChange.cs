using Serverless.Cdc.Capture;

namespace Serverless.Cdc.Transport;

/// <summary>One change read from a partition, with the sequence number the log gave it and when it was appended.</summary>
public sealed record ReceivedChange(int Partition, long SequenceNumber, DateTimeOffset EnqueuedTime, ChangeEvent Change);
