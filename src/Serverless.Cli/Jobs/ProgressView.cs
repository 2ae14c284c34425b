using System.Globalization;
using System.Text;
using Serverless.Orchestrations.Hosting;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Serverless.Cli.Jobs;

/// <summary>
/// Lays job progress out as fixed-width text: one line per table (name, chunks, rows, %, rows/s, ETA, state) under a
/// header, and a summary line. Column widths only grow (from the planned totals, which are known early), so the
/// columns stay put from frame to frame; a table name longer than the terminal allows is cut with "…" instead of
/// wrapping. Counts carry thousands separators everywhere.
/// </summary>
internal sealed class ProgressView
{
    private const string Gap = "  ";
    private const int PercentWidth = 4;
    private const int RateWidth = 9;   // 9,999,999
    private const int EtaWidth = 7;    // h:mm:ss
    private const int StateWidth = 7;  // reading, waiting, earlier
    private const int MinNameWidth = 12;
    private int chunksWidth = "chunks".Length;
    private int rowsWidth = "rows".Length;
    private int nameWidth = "table".Length;

    /// <summary>One frame for a terminal <paramref name="width"/> columns wide (null: no limit, for logs).</summary>
    public IReadOnlyList<ProgressLine> Frame(JobProgress? progress, int? width)
    {
        if (progress is null)
        {
            return [new ProgressLine("starting...", false)];
        }

        foreach (var t in progress.Tables)
        {
            chunksWidth = Math.Max(chunksWidth, Chunks(t.ChunksTotal, t.ChunksTotal).Length);
            rowsWidth = Math.Max(rowsWidth, Count(Math.Max(t.RowsEstimate, t.RowsRead)).Length);
            nameWidth = Math.Max(nameWidth, t.SourceTable.Length);
        }

        var summary = Wrap(Summary(progress), width).Select(l => new ProgressLine(l, false)).ToList();
        if (progress.Stream is { } stream)
        {
            // Streaming: the snapshot's table is history; the stream's lines replace it.
            return [.. StreamLines.Format(stream).Select(l => new ProgressLine(width is { } limit ? Fit(l, limit) : l, false)), .. summary];
        }

        if (progress.Tables.Count == 0)
        {
            return summary;
        }

        var fixedWidth = (6 * Gap.Length) + chunksWidth + rowsWidth + PercentWidth + RateWidth + EtaWidth + StateWidth;
        var names = width is { } w ? Math.Min(nameWidth, Math.Max(MinNameWidth, w - fixedWidth)) : nameWidth;
        var lines = new List<ProgressLine>(progress.Tables.Count + 3)
        {
            new(Row(names, "table", "chunks", "rows", "%", "rows/s", "ETA", "state"), false),
            new(new string('-', names + fixedWidth), false),
        };
        foreach (var t in progress.Tables)
        {
            lines.Add(new ProgressLine(
                Row(
                    names,
                    Fit(t.SourceTable, names),
                    Chunks(t.ChunksCommitted, t.ChunksTotal),
                    Count(t.RowsRead),
                    Percent(t),
                    t.CompletedEarlier || t.RowsPerSecond <= 0 ? string.Empty : Count((long)t.RowsPerSecond),
                    t.Complete ? string.Empty : Eta(t.Eta),
                    t.CompletedEarlier ? "earlier" : t.Complete ? "done" : t.ChunksRead > 0 ? "reading" : "waiting"),
                t.Complete));
        }

        lines.AddRange(summary);
        return lines;
    }

    /// <summary>The frame as Spectre.Console renders it on a terminal: finished tables in green.</summary>
    public IRenderable Render(JobProgress? progress, int width) =>
        new Rows(Frame(progress, width).Select(l => new Text(l.Text, l.Done ? new Style(Color.Green) : Style.Plain) { Overflow = Overflow.Ellipsis }));

    /// <summary>The summary line; what is not known yet (an estimate, a rate, an ETA) is left out.</summary>
    public static string Summary(JobProgress p)
    {
        if (p.Stream is { } stream)
        {
            var changes = stream.Tables.Sum(t => t.ChangesApplied);
            var rate = stream.Tables.Sum(t => t.ChangesPerSecond);
            return new StringBuilder().Append(p.JobName).Append(": ").Append(p.Phase).Append(", ").Append(Count(p.RowsRead)).Append(" rows snapshotted, ")
                .Append(Count(changes)).Append(" changes applied, ").Append(Count((long)rate)).Append(" changes/s, ")
                .Append(Eta(p.Elapsed)).Append(" elapsed").ToString();
        }

        var line = new StringBuilder().Append(p.JobName).Append(": ").Append(p.Phase).Append(", ").Append(Count(p.RowsRead));
        if (p.RowsEstimate > p.RowsRead)
        {
            line.Append(" of ~").Append(Count(p.RowsEstimate));
        }

        line.Append(" rows");
        if (p.RowsPerSecond >= 1)
        {
            line.Append(", ").Append(Count((long)p.RowsPerSecond)).Append(" rows/s");
        }

        if (p.Eta is not null)
        {
            line.Append(", ETA ").Append(Eta(p.Eta));
        }

        return line.Append(", ").Append(Eta(p.Elapsed)).Append(" elapsed").ToString();
    }

    internal static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private string Row(int names, string name, string chunks, string rows, string percent, string rate, string eta, string state)
    {
        var line = new StringBuilder(names + 80);
        line.Append(name.PadRight(names)).Append(Gap)
            .Append(chunks.PadLeft(chunksWidth)).Append(Gap)
            .Append(rows.PadLeft(rowsWidth)).Append(Gap)
            .Append(percent.PadLeft(PercentWidth)).Append(Gap)
            .Append(rate.PadLeft(RateWidth)).Append(Gap)
            .Append(eta.PadLeft(EtaWidth)).Append(Gap)
            .Append(state.PadRight(StateWidth));
        return line.ToString();
    }

    /// <summary>Breaks <paramref name="text"/> after its commas into lines of at most <paramref name="width"/> columns (continuations indented).</summary>
    private static List<string> Wrap(string text, int? width)
    {
        if (width is not { } limit || text.Length <= limit)
        {
            return [text];
        }

        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var part in text.Split(", "))
        {
            var piece = line.Length == 0 ? (lines.Count == 0 ? part : "  " + part) : ", " + part;
            if (line.Length > 0 && line.Length + piece.Length + 1 > limit)
            {
                lines.Add(line.Append(',').ToString());
                line.Clear();
                piece = "  " + part;
            }

            line.Append(piece);
        }

        lines.Add(line.ToString());
        return lines.Select(l => Fit(l, limit)).ToList();
    }

    private static string Fit(string text, int width) => text.Length <= width ? text : string.Concat(text.AsSpan(0, Math.Max(0, width - 1)), "…");

    private static string Chunks(int done, int total) => string.Create(CultureInfo.InvariantCulture, $"{done:N0}/{total:N0}");

    private static string Percent(TableProgress t) =>
        t.Complete ? "100%"
        : t.RowsEstimate > 0 ? string.Create(CultureInfo.InvariantCulture, $"{Math.Min(99, t.RowsRead * 100 / t.RowsEstimate)}%")
        : string.Empty;

    /// <summary>m:ss, h:mm:ss, or whole hours from 10 hours on (so it fits its column).</summary>
    private static string Eta(TimeSpan? eta) => eta switch
    {
        null => "-",
        { TotalHours: >= 10 } e => string.Create(CultureInfo.InvariantCulture, $"{(long)e.TotalHours}h"),
        { } e => e.ToString(e.TotalHours >= 1 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture),
    };
}
