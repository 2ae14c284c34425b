using Serverless.Delta.Actions;

namespace Serverless.Delta.Compaction;

/// <summary>One file rewritten by <see cref="NullFillRewriter"/>, not committed yet.</summary>
/// <param name="Input">The live file replaced, as the snapshot had it (deletion vector included).</param>
/// <param name="Output">The new file (dataChange true: its values differ), or null when every row of the input was deleted.</param>
/// <param name="RowsRead">Physical rows of the input.</param>
/// <param name="RowsWritten">Live rows written (deleted rows are purged).</param>
/// <param name="RowsFilled">Nulls replaced, over all filled columns.</param>
public sealed record NullFillRewrite(AddFile Input, AddFile? Output, long RowsRead, long RowsWritten, long RowsFilled);
