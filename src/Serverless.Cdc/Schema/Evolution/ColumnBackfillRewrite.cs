using Serverless.Cdc.Capture;
using Serverless.Delta;
using Serverless.Delta.Actions;
using Serverless.Delta.Compaction;
using Serverless.Delta.Transactions;
using Serverless.Parquet;

namespace Serverless.Cdc.Schema.Evolution;

/// <summary>
/// The files a DDL's commit rewrites so the rows before it read what the source gave them (<see cref="LakeSchemaEdit.Fills"/>):
/// the live files that may hold such a null (file statistics rule out files without nulls in the column and files written
/// wholly after the DDL), each rewritten on its own through the lake's schema after the DDL (<see cref="NullFillRewriter"/>:
/// deletion vectors applied, statistics written, one row group in memory), uploaded before the commit that stages them.
/// Only rows whose <c>_cdc_position</c> is below the DDL's are filled: a row written after it has the source's own value.
/// </summary>
internal sealed class ColumnBackfillRewrite
{
    private readonly LakeSchemaEdit lake;
    private readonly NullFill? fill;
    private readonly IReadOnlyList<AddFile> files;
    private readonly List<NullFillRewrite> rewrites = [];

    private ColumnBackfillRewrite(LakeSchemaEdit lake, NullFill? fill, IReadOnlyList<AddFile> files)
    {
        this.lake = lake;
        this.fill = fill;
        this.files = files;
    }

    /// <summary>True when no file needs rewriting (nothing to fill, or no row before the DDL holds a null there: an empty table too).</summary>
    public bool IsEmpty => files.Count == 0;

    public static ColumnBackfillRewrite Plan(ChangeEvent ddl, LakeSchemaEdit lake)
    {
        if (lake.Fills.Count == 0 || lake.Dry)
        {
            return new ColumnBackfillRewrite(lake, null, []);
        }

        var fill = new NullFill(new Dictionary<string, object>(lake.Fills, StringComparer.OrdinalIgnoreCase))
        {
            BelowColumn = CdcColumns.Position,
            BelowValue = new ParquetDecimal((Int128)ddl.SourcePosition.SortKey, 0),
        };
        return new ColumnBackfillRewrite(lake, fill, NullFillRewriter.Candidates(lake.Current, fill));
    }

    /// <summary>Rewrites the files one after another (each output uploaded whole before the next is read).</summary>
    public async Task RewriteAsync(CancellationToken cancellationToken)
    {
        foreach (var file in files)
        {
            rewrites.Add(await NullFillRewriter.RewriteAsync(lake.Current, file, fill!, cancellationToken: cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>Stages the rewrites in the DDL's commit and says what they did.</summary>
    public void Stage(DeltaTransaction tx, List<string> said)
    {
        if (rewrites.Count == 0)
        {
            return;
        }

        NullFillRewriter.Stage(tx, rewrites);
        said.Add($"rewrote {rewrites.Count} files ({rewrites.Sum(r => r.RowsWritten)} rows, {rewrites.Sum(r => r.RowsFilled)} values filled, deleted rows purged) in the same commit");
    }

    /// <summary>Deletes the outputs of a commit that did not happen.</summary>
    public Task AbandonAsync(TableLocation location, CancellationToken cancellationToken) =>
        NullFillRewriter.AbandonAsync(location, rewrites, cancellationToken);
}
