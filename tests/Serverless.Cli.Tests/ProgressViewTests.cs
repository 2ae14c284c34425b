using Serverless.Cli.Jobs;
using Serverless.Orchestrations.Hosting;
using Serverless.Orchestrations.StartJob;
using Serverless.Orchestrations.Streaming;
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

    [Fact]
    public void StreamingShowsCapturePerTableChangesAndLagAndEachWritersMetrics()
    {
        var stream = new StreamStatus
        {
            Running = true,
            Capture = new CaptureStreamStatus { Running = true, Position = "mariadb-bin.000058:96111183:0", Checkpoint = "mariadb-bin.000058:96111214:0|x|", ChangesPublished = 12_345, ChangesPerSecond = 2_500, LagMilliseconds = 120 },
            Tables =
            [
                new TableStreamStatus { Table = "demo_shop.orders", Partition = 1, ChangesApplied = 4_200, ChangesPerSecond = 225, LagP50 = 669, LagP99 = 1_480, ActiveFiles = 36, CompactionBacklogFiles = 35, CompactionBacklogBytes = 3 << 20 },
                new TableStreamStatus { Table = "demo_shop.customers", Partition = 2, StoppedBy = "DDL 'ALTER TABLE customers ADD c INT'" },
            ],
            Partitions =
            [
                new PartitionStreamStatus { Partition = 1, Running = true, LastSequencePublished = 4_199, LastSequenceRead = 4_099, BufferedChanges = 100, BufferedBytes = 30_000, ParquetFlushP50 = 6, ParquetFlushP99 = 101, ObjectCreateP50 = 1, ObjectCreateP99 = 54, Commits = 31, CommitRetries = 2, ActiveFiles = 36 },
            ],
            Problems = ["writer-demo-shop-p2: 1 segment(s) in a row failed after their retries, the last with: connection refused"],
        };
        var lines = new ProgressView().Frame(Progress(rowsRead: 1_095_000, rate: 0) with { Phase = JobPhase.Streaming, Stream = stream }, null).Select(l => l.Text).ToList();

        Assert.StartsWith("capture: running at mariadb-bin.000058:96111183:0, 12,345 changes published, 2,500/s, lag 120 ms", lines[0], StringComparison.Ordinal);
        var orders = Assert.Single(lines, l => l.StartsWith("demo_shop.orders ", StringComparison.Ordinal));
        Assert.Matches(@"4,200\s+225\s+669 ms\s+1\.5 s\s+36\s+35 f 3\.0 MiB", orders);
        Assert.Contains(lines, l => l.StartsWith("demo_shop.customers", StringComparison.Ordinal) && l.EndsWith("stopped: DDL 'ALTER TABLE customers ADD c INT'", StringComparison.Ordinal));
        Assert.Contains("writer p1: read 4,100/4,200, buffered 100 (29 KiB), flush 6 ms/101 ms, create 1 ms/54 ms, 31 commits, 2 retries, 36 files", lines);
        Assert.Equal("problem: writer-demo-shop-p2: 1 segment(s) in a row failed after their retries, the last with: connection refused", lines[^2]);
        Assert.Equal("demo-shop: Streaming, 1,095,000 rows snapshotted, 4,200 changes applied, 225 changes/s, 0:04 elapsed", lines[^1]);
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
