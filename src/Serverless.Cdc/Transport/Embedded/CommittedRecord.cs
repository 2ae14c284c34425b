using Serverless.Cdc.Capture;

namespace Serverless.Cdc.Transport.Embedded;

/// <summary>
/// A record whose batch is committed (its marker is in the file): sequence number, append time and the change, decoded
/// straight from the read buffer (null when the cursor only counts records).
/// </summary>
internal readonly record struct CommittedRecord(long Sequence, long TimeMilliseconds, ChangeEvent? Change);
