using Serverless.Cli.Jobs;
using Serverless.Orchestrations.Hosting;
using Serverless.Orchestrations.StartJob;
using Spectre.Console;

namespace Serverless.Cli.Tests;

/// <summary>The live progress display as an 80-column terminal shows it.</summary>
public sealed class ProgressViewTests
{
    private static readonly string[] Names = ["demo_shop.customers", "demo_shop.order_items_archived_before_the_migration_of_2019", "demo_shop.page_views"];

    [Fact]
    public void EveryLineFitsEightyColumnsAndALongTableNameIsCutNotWrapped()
    {
        var screen = RenderAt(80, new ProgressView(), Progress(rowsRead: 512_000, rate: 250_000));

        Assert.All(screen, line => Assert.True(line.Length <= 80, $"{line.Length} columns: '{line}'"));
        Assert.Contains(screen, l => l.StartsWith("demo_shop.customers ", StringComparison.Ordinal));
        Assert.Contains(screen, l => l.StartsWith("demo_shop.order_items_", StringComparison.Ordinal) && l.Contains("… ", StringComparison.Ordinal));
        Assert.DoesNotContain(screen, l => l.StartsWith("before", StringComparison.Ordinal) || l.StartsWith("_the", StringComparison.Ordinal));

        // The summary after the header, the rule and the 3 tables breaks after a comma rather than in a word or number.
        var summary = string.Join(' ', screen.Skip(5).Select(l => l.Trim()));
        Assert.Contains("512,000 of ~3,500,000 rows, 250,000 rows/s, ETA 0:11, 0:04 elapsed", summary, StringComparison.Ordinal);
        Assert.DoesNotContain('…', summary);
    }

    [Fact]
    public void ColumnsStayPutFromFrameToFrame()
    {
        var view = new ProgressView();
        var early = RenderAt(80, view, Progress(rowsRead: 0, rate: 0));
        var later = RenderAt(80, view, Progress(rowsRead: 1_234_567, rate: 1_500_000));

        // Same header, and every table line the same length with its columns at the same places.
        Assert.Equal(early[0], later[0]);
        Assert.Equal(early.Skip(2).Take(3).Select(l => l.Length), later.Skip(2).Take(3).Select(l => l.Length));
        var chunksEnd = early[0].IndexOf("chunks", StringComparison.Ordinal) + "chunks".Length;
        Assert.All(early.Skip(2).Take(3), l => Assert.EndsWith(" 0/12", l[..chunksEnd], StringComparison.Ordinal));
        Assert.All(later.Skip(2).Take(3), l => Assert.EndsWith(" 4/12", l[..chunksEnd], StringComparison.Ordinal));
    }

    [Fact]
    public void CountsCarryThousandsSeparators()
    {
        var lines = new ProgressView().Frame(Progress(rowsRead: 1_234_567, rate: 250_000), null).Select(l => l.Text).ToList();

        Assert.Contains(lines, l => l.Contains("1,234,567", StringComparison.Ordinal));
        Assert.Contains("250,000 rows/s", lines[^1], StringComparison.Ordinal);
        Assert.Contains("of ~3,500,000 rows", lines[^1], StringComparison.Ordinal);
    }

    private static JobProgress Progress(long rowsRead, double rate) => new()
    {
        JobName = "demo-shop",
        Phase = JobPhase.Snapshotting,
        Elapsed = TimeSpan.FromSeconds(4),
        RowsRead = rowsRead,
        RowsEstimate = 3_500_000,
        RowsPerSecond = rate,
        Eta = rate > 0 ? TimeSpan.FromSeconds((3_500_000 - rowsRead) / rate) : null,
        Tables = Names.Select((name, i) => new TableProgress
        {
            SourceTable = name,
            LakeTable = name.Replace('.', '_'),
            ChunksTotal = 12,
            ChunksRead = rowsRead > 0 ? 6 : 0,
            ChunksCommitted = rowsRead > 0 ? 4 : 0,
            RowsEstimate = i == 1 ? 1_500_000 : 1_000_000,
            RowsRead = i == 1 ? rowsRead : rowsRead / 2,
            RowsPerSecond = rate / 3,
            Eta = rate > 0 ? TimeSpan.FromMinutes(2) : null,
        }).ToList(),
    };

    /// <summary>What a terminal of <paramref name="width"/> columns shows, line by line, without trailing blanks.</summary>
    private static List<string> RenderAt(int width, ProgressView view, JobProgress progress)
    {
        using var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = width;
        console.Write(view.Render(progress, width));
        return output.ToString().Split('\n').Select(l => l.TrimEnd('\r', ' ')).Where(l => l.Length > 0).ToList();
    }
}
