using System.Globalization;
using Serverless.Orchestrations.Hosting;
using Spectre.Console;

namespace Serverless.Cli.Jobs;

/// <summary>Renders job progress: a live table on a terminal, plain lines when output is redirected.</summary>
internal static class ProgressView
{
    public static Table BuildTable(JobProgress? progress)
    {
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn("table");
        table.AddColumn(new TableColumn("chunks").RightAligned());
        table.AddColumn(new TableColumn("rows").RightAligned());
        table.AddColumn(new TableColumn("rows/s").RightAligned());
        table.AddColumn(new TableColumn("ETA").RightAligned());
        table.AddColumn("state");
        if (progress is null)
        {
            table.Caption = new TableTitle("starting...");
            return table;
        }

        foreach (var t in progress.Tables)
        {
            table.AddRow(
                Markup.Escape(t.SourceTable),
                $"{t.ChunksCommitted}/{t.ChunksTotal}",
                Rows(t.RowsRead, t.RowsEstimate),
                t.CompletedEarlier || t.RowsPerSecond <= 0 ? "" : Rate(t.RowsPerSecond),
                t.Complete ? "" : Eta(t.Eta),
                t.CompletedEarlier ? "done earlier" : t.Complete ? "[green]done[/]" : t.ChunksRead > 0 ? "reading" : "waiting");
        }

        table.Caption = new TableTitle(Markup.Escape(Summary(progress)));
        return table;
    }

    public static string Summary(JobProgress p) => string.Create(CultureInfo.InvariantCulture,
        $"{p.JobName}: {p.Phase}, {Rows(p.RowsRead, p.RowsEstimate)} rows, {Rate(p.RowsPerSecond)} rows/s, ETA {Eta(p.Eta)}, elapsed {p.Elapsed:hh\\:mm\\:ss}");

    public static IEnumerable<string> Lines(JobProgress p)
    {
        yield return Summary(p);
        foreach (var t in p.Tables)
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"  {t.SourceTable,-40} chunks {t.ChunksCommitted}/{t.ChunksTotal}  rows {Rows(t.RowsRead, t.RowsEstimate)}  {(t.RowsPerSecond > 0 ? Rate(t.RowsPerSecond) : "-")} rows/s  ETA {Eta(t.Eta)}{(t.Complete ? "  done" : string.Empty)}");
        }
    }

    private static string Rows(long done, long estimate) =>
        estimate > 0 ? string.Create(CultureInfo.InvariantCulture, $"{done:N0} of ~{estimate:N0}") : done.ToString("N0", CultureInfo.InvariantCulture);

    private static string Rate(double perSecond) => perSecond.ToString("N0", CultureInfo.InvariantCulture);

    private static string Eta(TimeSpan? eta) => eta is { } e ? e.ToString(e.TotalHours >= 1 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture) : "-";
}
