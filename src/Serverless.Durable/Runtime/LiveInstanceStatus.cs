using Serverless.Durable.Runtime.Storage;

namespace Serverless.Durable.Runtime;

/// <summary>
/// The status of an instance this runtime is working on, as of the batch it last appended, so an in-process
/// client can answer status reads from memory. The store stays the truth: the answer is used only while
/// <paramref name="NewestBatchPath"/> still has <paramref name="NewestBatchETag"/> and nothing exists at
/// <paramref name="NextBatchPath"/> (another runtime may have appended, or the instance been purged).
/// Published only for executions that have not ended, whose next batch is where any change would appear.
/// </summary>
/// <param name="Summary">Derived from the whole cached history, exactly what a full load would give.</param>
/// <param name="NewestBatchPath">The batch this runtime appended last.</param>
/// <param name="NewestBatchETag">Its version as the store reported it on creation.</param>
/// <param name="NextBatchPath">Where the execution's next batch would be written.</param>
internal sealed record LiveInstanceStatus(InstanceSummary Summary, string NewestBatchPath, string NewestBatchETag, string NextBatchPath);
