using Serverless.Cdc.Capture;
using Serverless.Cdc.Transport.Embedded;

namespace Serverless.Bench;

/// <summary>
/// What a change log of the `cdc` benchmark holds: per change its sequence number and GTID (to find its source commit),
/// and the changed bytes: the size of each change's row image (after image for inserts and updates, before image for
/// deletes) counted as its values are, 8 bytes a number or time, the byte length of a string or decimal, nothing for NULL.
/// </summary>
public sealed record CdcChangeLogSummary(IReadOnlyList<(long Sequence, string? Gtid)> Changes, long ChangedBytes)
{
    public static CdcChangeLogSummary Read(string logDirectory)
    {
        var log = EmbeddedChangeLog.Open(logDirectory);
        var changes = new List<(long, string?)>();
        long bytes = 0;
        using var reader = log.OpenReader(0, 0);
        while (reader.TryRead(10_000) is { Count: > 0 } batch)
        {
            foreach (var received in batch)
            {
                changes.Add((received.SequenceNumber, received.Change.Gtid));
                foreach (var value in received.Change.Row)
                {
                    bytes += RowImageBytes(value);
                }
            }
        }

        return new CdcChangeLogSummary(changes, bytes);
    }

    private static long RowImageBytes(ChangeValue value) => value.IsNull ? 0 : value.Bytes.Length > 0 ? value.Bytes.Length : 8;
}
