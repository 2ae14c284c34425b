using Serverless.Delta.Actions;

namespace Serverless.Delta.Compaction;

/// <summary>Files of one partition that one compaction output file replaces.</summary>
/// <param name="PartitionValues">The partition values every input shares (as the add actions key them).</param>
/// <param name="Files">The live files to rewrite, as the planned snapshot has them (deletion vector included).</param>
/// <param name="Bytes">Sum of the inputs' sizes.</param>
/// <param name="DeletedRows">Rows the inputs' deletion vectors hide (purged by the rewrite).</param>
public sealed record CompactionBin(IReadOnlyDictionary<string, string?> PartitionValues, IReadOnlyList<AddFile> Files, long Bytes, long DeletedRows);
