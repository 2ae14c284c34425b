using Serverless.Cli.Formatting;
using Serverless.Delta.Scanning;

namespace Serverless.Cli.Delta;

/// <summary>Streams a scan's live rows into a row writer, batch by batch, stopping at the limit.</summary>
internal static class ScanPrinter
{
    public static async Task<long> PrintAsync(DeltaScan scan, RowWriter writer, long? limit, CancellationToken cancellationToken)
    {
        var formatter = new ScanRowFormatter(scan.Columns);
        writer.WriteHeader();
        long printed = 0;
        if (limit == 0)
        {
            return 0;
        }

        await foreach (var batch in scan.ReadBatchesAsync(cancellationToken).ConfigureAwait(false))
        {
            for (var r = 0; r < batch.RowCount; r++)
            {
                if (batch.IsDeleted(r))
                {
                    continue;
                }

                formatter.WriteRow(batch, r, writer);
                if (++printed == limit)
                {
                    return printed;
                }
            }
        }

        return printed;
    }
}
