using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Serverless.Cli.Formatting;
using Serverless.Delta.Log;
using Spectre.Console;

namespace Serverless.Cli.Delta;

/// <summary>`serverless delta log TABLE_URI`: one line per version with its time, operation, key metrics and application transactions.</summary>
internal static class DeltaLogCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static Command Create(CliConsole console)
    {
        var table = new Argument<string>("TABLE_URI") { Description = "The table root (as for `delta cat`)." };
        DeltaCatCommand.RejectOptionLookalike(table);
        var format = new Option<string>("--format") { Description = "table (for people) or json (one object per version, for scripts).", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var limit = new Option<int?>("--limit") { Description = "Show only the newest this many versions." };
        limit.Validators.Add(r =>
        {
            if (DeltaCatCommand.IsNegative(r))
            {
                r.AddError("--limit must be 0 or more.");
            }
        });

        var command = new Command("log", "List a table's versions: commit time, operation, files and rows, txn appId/version.") { table, format, limit };
        command.SetAction((parse, ct) => RunAsync(console, parse.GetRequiredValue(table), parse.GetValue(format) ?? "table", parse.GetValue(limit), ct));
        return command;
    }

    public static async Task<int> RunAsync(CliConsole console, string tableUri, string format, int? limit, CancellationToken cancellationToken)
    {
        var (log, listing, range) = await TableSource.ListAsync(tableUri, cancellationToken).ConfigureAwait(false);
        var history = await log.GetHistoryAsync(listing, limit, cancellationToken).ConfigureAwait(false);
        if (format == "json")
        {
            foreach (var commit in history)
            {
                await console.Out.WriteLineAsync(JsonSerializer.Serialize(ToJson(commit), JsonOptions)).ConfigureAwait(false);
            }
        }
        else
        {
            WriteTable(console, tableUri, range, history);
        }

        return ExitCodes.Success;
    }

    private static object ToJson(CommitHistoryEntry c) => new
    {
        c.Version,
        Timestamp = FormatTime(c.Timestamp),
        CommitInfoTimestamp = c.CommitInfo?.Timestamp is { } t ? FormatTime(DateTimeOffset.FromUnixTimeMilliseconds(t)) : null,
        c.Operation,
        c.OperationParameters,
        c.OperationMetrics,
        c.CommitInfo?.EngineInfo,
        c.FilesAdded,
        c.FilesRemoved,
        c.DeletionVectorUpdates,
        c.ChangesProtocol,
        c.ChangesMetadata,
        Txn = c.AppTransactions.Select(t => new { t.AppId, t.Version }).ToList(),
    };

    /// <summary>An operation metric as a number, trying each name in turn (engines name the same figure differently).</summary>
    private static long? Metric(CommitHistoryEntry commit, params string[] names)
    {
        foreach (var name in names)
        {
            if (commit.OperationMetrics.TryGetValue(name, out var text) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }
        }

        return null;
    }

    private static void WriteTable(CliConsole console, string tableUri, TableVersionRange range, IReadOnlyList<CommitHistoryEntry> history)
    {
        var ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(console.Out),
        });

        // Redirected output has no terminal width; do not wrap rows at 80 columns there.
        if (!ansi.Profile.Out.IsTerminal)
        {
            ansi.Profile.Width = 240;
        }

        var grid = new Table().Border(TableBorder.Simple)
            .AddColumn("version", c => c.RightAligned())
            .AddColumn("timestamp (UTC)")
            .AddColumn("operation")
            .AddColumn("files +", c => c.RightAligned())
            .AddColumn("files -", c => c.RightAligned())
            .AddColumn("DV updates", c => c.RightAligned())
            .AddColumn("rows written", c => c.RightAligned())
            .AddColumn("rows deleted", c => c.RightAligned())
            .AddColumn("txn appId=version");
        foreach (var c in history)
        {
            var operation = c.Operation ?? "(no commitInfo)";
            if (c.ChangesProtocol || c.ChangesMetadata)
            {
                operation += c.ChangesProtocol && c.ChangesMetadata ? " [protocol, metadata]" : c.ChangesProtocol ? " [protocol]" : " [metadata]";
            }

            grid.AddRow(
                Markup.Escape(c.Version.ToString(CultureInfo.InvariantCulture)),
                Markup.Escape(FormatTime(c.Timestamp)),
                Markup.Escape(operation),
                Number(c.FilesAdded),
                Number(c.FilesRemoved),
                Number(c.DeletionVectorUpdates),
                Number(Metric(c, "numOutputRows", "numTargetRowsInserted")),
                Number(Metric(c, "numDeletedRows", "numTargetRowsDeleted")),
                Markup.Escape(string.Join(" ", c.AppTransactions.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.AppId}={t.Version}")))));
        }

        ansi.WriteLine($"Table {tableUri}: {range}; showing {history.Count} commit(s).");
        ansi.Write(grid);
    }

    private static string Number(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private static string FormatTime(DateTimeOffset time)
    {
        Span<char> text = stackalloc char[TemporalText.MaxLength];
        var n = TemporalText.FormatTimestamp(time.ToUnixTimeMilliseconds() * 1000, utc: true, text);
        return new string(text[..n]);
    }
}
