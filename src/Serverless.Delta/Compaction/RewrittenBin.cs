using Serverless.Delta.Actions;

namespace Serverless.Delta.Compaction;

/// <summary>A bin rewritten to one new file, not committed yet.</summary>
/// <param name="Bin">The inputs, as the snapshot they were read from has them.</param>
/// <param name="Output">The new file (dataChange false), or null when every input row was deleted.</param>
/// <param name="RowsRead">Physical rows of the inputs.</param>
/// <param name="RowsWritten">Live rows copied to the output (deleted rows are purged).</param>
/// <param name="InputOffsets">
/// Per input (in <see cref="CompactionBin.Files"/> order), the output row its first live row became: the output holds
/// each input's live rows in file order, so a row deleted later in an input maps to one output row.
/// </param>
public sealed record RewrittenBin(CompactionBin Bin, AddFile? Output, long RowsRead, long RowsWritten, IReadOnlyList<long> InputOffsets);
