using System.Globalization;
using Serverless.Orchestrations.Streaming;

namespace Serverless.Cli.Jobs;

/// <summary>
/// The stream as text, for the live view and <c>serverless status</c>: capture (position, changes/s, lag), one line per
/// table (changes applied, changes/s, lag p50/p99 source commit to lake commit, files, compaction backlog) and one per
/// partition's writer (buffered, Parquet flush and object-create p50/p99, commits, retries), and one per table being
/// snapshotted again (phase, chunks read of all).
/// </summary>
internal static class StreamLines
{
    public static IReadOnlyList<string> Format(StreamStatus stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var lines = new List<string>();
        if (stream.Capture is { } c)
        {
            lines.Add(Invariant($"capture: {(c.Running ? "running" : "stopped")} at {c.Position ?? "-"}, {c.ChangesPublished:N0} changes published, {c.ChangesPerSecond:N0}/s, lag {Ms(c.LagMilliseconds)}, checkpoint {c.Checkpoint?.Split('|')[0] ?? "-"}{(c.Reconnects > 0 ? Invariant($", {c.Reconnects} reconnects") : string.Empty)}"));
        }

        if (stream.Tables.Count > 0)
        {
            var names = Math.Max("table".Length, stream.Tables.Max(t => t.Table.Length));
            lines.Add(Invariant($"{"table".PadRight(names)}  {"changes",10}  {"/s",7}  {"lag p50",8}  {"lag p99",8}  {"files",5}  {"backlog",12}"));
            foreach (var t in stream.Tables)
            {
                var backlog = t.CompactionBacklogFiles > 0 ? Invariant($"{t.CompactionBacklogFiles} f {Bytes(t.CompactionBacklogBytes)}") : "-";
                lines.Add(Invariant($"{t.Table.PadRight(names)}  {t.ChangesApplied,10:N0}  {t.ChangesPerSecond,7:N0}  {Ms(t.LagP50),8}  {Ms(t.LagP99),8}  {t.ActiveFiles,5:N0}  {backlog,12}{(t.StoppedBy is { } why ? "  stopped: " + why : t.Resnapshot is not null ? "  held for a re-snapshot" : string.Empty)}"));
            }
        }

        foreach (var p in stream.Partitions)
        {
            lines.Add(Invariant(
                $"writer p{p.Partition}: read {p.LastSequenceRead + 1:N0}/{p.LastSequencePublished + 1:N0}, buffered {p.BufferedChanges:N0} ({Bytes(p.BufferedBytes)}), flush {Ms(p.ParquetFlushP50)}/{Ms(p.ParquetFlushP99)}, create {Ms(p.ObjectCreateP50)}/{Ms(p.ObjectCreateP99)}, {p.Commits:N0} commits, {p.CommitRetries:N0} retries, {p.ActiveFiles:N0} files{(p.WaitingTables > 0 ? Invariant($", {p.WaitingTables} table(s) wait for their snapshot") : string.Empty)}"));
        }

        foreach (var r in stream.Resnapshots)
        {
            lines.Add(Invariant($"re-snapshot {r.Table}: {r.Phase}, {r.ChunksRead}/{r.Chunks} chunks, epoch {r.Epoch}, since {r.StartedAtUtc:u} ({r.Reason})"));
        }

        if (stream.CompactionRounds > 0)
        {
            lines.Add(Invariant($"compaction: {stream.CompactionRounds} round(s), last {stream.LastCompactionAtUtc:u}"));
        }

        lines.AddRange(stream.Problems.Select(p => "problem: " + p));

        return lines;
    }

    private static string Ms(double? ms) => ms switch
    {
        null => "-",
        >= 10_000 => Invariant($"{ms.Value / 1000:N0} s"),
        >= 1_000 => Invariant($"{ms.Value / 1000:0.0} s"),
        _ => Invariant($"{ms.Value:0} ms"),
    };

    private static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => Invariant($"{bytes / (double)(1L << 30):0.0} GiB"),
        >= 1L << 20 => Invariant($"{bytes / (double)(1L << 20):0.0} MiB"),
        >= 1L << 10 => Invariant($"{bytes / 1024.0:0} KiB"),
        _ => Invariant($"{bytes} B"),
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
