using System.Runtime.CompilerServices;
using Serverless.Delta.DataFiles;
using Serverless.Delta.Log;
using Serverless.Delta.Scanning;
using Serverless.Parquet;

namespace Serverless.Delta.Compaction;

/// <summary>
/// Rewrites a bin's live rows (deletion vectors applied) into one new data file, streamed to the store one input row
/// group at a time, so memory stays at about one output row group whatever the bin's size. With a
/// <see cref="ResolvedNullFill"/>, nulls of the filled columns are replaced on the way (<see cref="NullFillRewriter"/>).
/// </summary>
internal static class BinRewriter
{
    public static async Task<RewrittenBin> RewriteAsync(Snapshot snapshot, CompactionBin bin, ParquetWriterOptions? writerOptions, CancellationToken cancellationToken, ResolvedNullFill? fill = null)
    {
        var writer = new DataFileWriter(snapshot, writerOptions);
        var scan = new DeltaScan(snapshot).Select(writer.DataColumns.Select(f => f.Name).ToArray());
        var batch = new ParquetRowBatch(writer.ParquetSchema);
        long rowsRead = 0;
        long rowsWritten = 0;
        var offsets = new long[bin.Files.Count];
        await using var output = await writer.OpenAsync(bin.PartitionValues, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < bin.Files.Count; i++)
        {
            var file = bin.Files[i];
            offsets[i] = rowsWritten;
            await foreach (var group in scan.ReadFileAsync(file, cancellationToken).ConfigureAwait(false))
            {
                rowsRead += group.RowCount;
                var live = AppendLiveRows(group, batch, fill);
                if (live > 0)
                {
                    rowsWritten += live;
                    output.Write(batch);
                    batch.Clear();
                }
            }
        }

        if (rowsWritten == 0)
        {
            // Every row was deleted: the inputs go and nothing replaces them (disposing abandons the empty upload).
            return new RewrittenBin(bin, null, rowsRead, 0, offsets);
        }

        var add = await output.CompleteAsync(cancellationToken).ConfigureAwait(false);
        return new RewrittenBin(bin, add with { DataChange = false }, rowsRead, rowsWritten, offsets);
    }

    /// <summary>Appends the rows of <paramref name="group"/> that are not deleted, column by column; returns how many.</summary>
    private static int AppendLiveRows(ScanBatch group, ParquetRowBatch batch, ResolvedNullFill? fill)
    {
        var live = 0;
        for (var r = 0; r < group.RowCount; r++)
        {
            live += group.IsDeleted(r) ? 0 : 1;
        }

        if (live == 0)
        {
            return 0;
        }

        for (var c = 0; c < batch.Columns.Count; c++)
        {
            if (fill?.Values[c] is { } value)
            {
                fill.Filled += AppendFilled(group, c, batch.Columns[c], value, fill);
            }
            else
            {
                AppendColumn(group, c, batch.Columns[c]);
            }
        }

        return live;
    }

    /// <summary>Copies one column with its nulls replaced by <paramref name="value"/> in the rows <paramref name="fill"/> selects; returns how many were filled.</summary>
    private static long AppendFilled(ScanBatch group, int column, ParquetColumnBuffer to, object value, ResolvedNullFill fill)
    {
        long filled = 0;
        for (var row = 0; row < group.RowCount; row++)
        {
            if (group.IsDeleted(row))
            {
                continue;
            }

            var current = group.GetValue(row, column);
            if (current is null && fill.Selects(group, row))
            {
                current = value;
                filled++;
            }

            to.AppendValue(current);
        }

        return filled;
    }

    /// <summary>
    /// Copies one column. When the file stores it exactly as the output does, values move typed (no boxing); otherwise
    /// (an older type before widening, INT96 timestamps of other writers, a column the file predates) through the
    /// table's logical value, which the output column converts.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AppendColumn(ScanBatch group, int column, ParquetColumnBuffer to)
    {
        var from = group.GetBuffer(column);
        var rows = group.RowCount;
        if (from is null || from.Column.PhysicalType != to.Column.PhysicalType || from.Column.TypeLength != to.Column.TypeLength || !Equals(from.Column.LogicalType, to.Column.LogicalType))
        {
            for (var row = 0; row < rows; row++)
            {
                if (!group.IsDeleted(row))
                {
                    to.AppendValue(group.GetValue(row, column));
                }
            }

            return;
        }

        // Same physical layout (decimals included: same logical type means same scale): copy maximal runs of live,
        // non-null rows as spans, nulls as nulls.
        var r = 0;
        while (r < rows)
        {
            if (group.IsDeleted(r))
            {
                r++;
                continue;
            }

            var isNull = from.IsNull(r);
            var end = r + 1;
            while (end < rows && !group.IsDeleted(end) && from.IsNull(end) == isNull)
            {
                end++;
            }

            if (isNull)
            {
                for (var k = r; k < end; k++)
                {
                    to.AppendNull();
                }
            }
            else
            {
                AppendRun(from, r, end - r, to);
            }

            r = end;
        }
    }

    private static void AppendRun(ParquetColumnBuffer from, int start, int length, ParquetColumnBuffer to)
    {
        switch (from.Column.PhysicalType)
        {
            case ParquetPhysicalType.Boolean: to.AppendRange(from.BooleanValues.Slice(start, length)); return;
            case ParquetPhysicalType.Int32: to.AppendRange(from.Int32Values.Slice(start, length)); return;
            case ParquetPhysicalType.Int64: to.AppendRange(from.Int64Values.Slice(start, length)); return;
            case ParquetPhysicalType.Float: to.AppendRange(from.FloatValues.Slice(start, length)); return;
            case ParquetPhysicalType.Double: to.AppendRange(from.DoubleValues.Slice(start, length)); return;
        }

        for (var i = start; i < start + length; i++)
        {
            to.Append(from.GetBytes(i));
        }
    }
}
