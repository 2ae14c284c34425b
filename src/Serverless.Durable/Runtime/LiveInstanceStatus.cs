using Serverless.Durable.Runtime.Storage;

namespace Serverless.Durable.Runtime;

/// <summary>
/// The status of an instance this runtime is working on, as of the batch it last appended and the status object it
/// wrote after it, so an in-process client can answer status reads from memory. The store stays the truth: the
/// answer is used only while <paramref name="StatusPath"/> still has <paramref name="StatusETag"/> and nothing exists
/// at <paramref name="NextBatchPath"/> (another runtime may have appended or rewritten the status, or the instance
/// been purged). Published only for executions that have not ended, whose next batch is where any change would
/// appear, and only once the status object was written, so memory and store report the same custom status.
/// </summary>
/// <param name="Summary">Derived from the whole cached history and the status written, exactly what a full load would give.</param>
/// <param name="StatusPath">The execution's status object.</param>
/// <param name="StatusETag">Its version as the store reported it when this runtime wrote it.</param>
/// <param name="NextBatchPath">Where the execution's next batch would be written.</param>
internal sealed record LiveInstanceStatus(InstanceSummary Summary, string StatusPath, string StatusETag, string NextBatchPath);
