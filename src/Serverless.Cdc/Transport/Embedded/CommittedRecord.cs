namespace Serverless.Cdc.Transport.Embedded;

/// <summary>A record whose batch is committed (its marker is in the file): sequence number, append time, payload.</summary>
internal readonly record struct CommittedRecord(long Sequence, long TimeMilliseconds, byte[] Payload);
