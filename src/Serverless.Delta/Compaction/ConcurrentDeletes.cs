using Serverless.Delta.Actions;
using Serverless.Delta.DeletionVectors;
using Serverless.Delta.Log;
using Serverless.Delta.Transactions;

namespace Serverless.Delta.Compaction;

/// <summary>
/// Carries rows that writers deleted from a bin's inputs after the rewrite read them (a merge-on-read writer grows an
/// input's deletion vector) over to the rewritten file, as a deletion vector of the output. The output holds each
/// input's live rows in order from the input's offset, so input row r, live when read, is output row
/// offset + r - (rows deleted before r when read). The commit then removes the inputs as they are now and adds the
/// output with the carried deletions: the writer's deletes stay deleted and the compaction does not have to be
/// redone, so it makes progress on a table that writers touch all over (Databricks resolves OPTIMIZE against
/// concurrent deletes the same way, with row-level concurrency).
/// </summary>
internal static class ConcurrentDeletes
{
    /// <summary>
    /// The bin staged against <paramref name="current"/>: inputs as live there, output with the deletions made since the
    /// rewrite. Null when that cannot be expressed: an input was removed or rewritten, or lost deleted rows.
    /// </summary>
    public static async Task<StagedBin?> CarryAsync(TableLocation table, RewrittenBin bin, Snapshot current, CancellationToken cancellationToken)
    {
        var inputs = new AddFile[bin.Bin.Files.Count];
        RoaringBitmapArray? carried = null;
        for (var i = 0; i < inputs.Length; i++)
        {
            var planned = bin.Bin.Files[i];
            var live = current.FindFile(DeltaPath.Decode(planned.Path));
            if (live is null)
            {
                return null;
            }

            inputs[i] = live;
            if (live.Key == planned.Key)
            {
                continue;
            }

            if (live.DeletionVector is null)
            {
                return null;
            }

            var now = await DeletionVectorStore.ReadAsync(table, live.DeletionVector, cancellationToken).ConfigureAwait(false);
            var before = planned.DeletionVector is null
                ? []
                : (await DeletionVectorStore.ReadAsync(table, planned.DeletionVector, cancellationToken).ConfigureAwait(false)).Values().ToArray();
            if (before.Any(row => !now.Contains(row)))
            {
                return null;
            }

            foreach (var row in now.Values())
            {
                var deletedBefore = Array.BinarySearch(before, row);
                if (deletedBefore >= 0)
                {
                    continue;
                }

                // ~index is the count of rows deleted at read time that come before this one.
                carried ??= new RoaringBitmapArray();
                carried.Add(bin.InputOffsets[i] + row - ~deletedBefore);
            }
        }

        if (carried is null || bin.Output is null)
        {
            return new StagedBin(inputs, bin.Output, 0);
        }

        var dv = (await DeletionVectorStore.WriteFileAsync(table, [carried], cancellationToken).ConfigureAwait(false))[0];
        return new StagedBin(inputs, bin.Output with { DeletionVector = dv, Stats = DeltaTransaction.WideBounds(bin.Output.Stats) }, carried.Cardinality);
    }
}

/// <summary>What a commit stages for one bin: the inputs to remove as live now, the output to add, the deleted rows carried to it.</summary>
internal sealed record StagedBin(IReadOnlyList<AddFile> Inputs, AddFile? Output, long RowsCarried);
