using System.CommandLine;
using System.Globalization;
using Serverless.Cli.Formatting;
using Serverless.Delta.Log;
using Serverless.Delta.Scanning;

namespace Serverless.Cli.Delta;

/// <summary>`serverless delta cat TABLE_URI`: prints a table's live rows (deletion vectors applied) as CSV or JSON Lines.</summary>
internal static class DeltaCatCommand
{
    public static Command Create(CliConsole console)
    {
        var table = new Argument<string>("TABLE_URI") { Description = "The table root: a folder, file://, https://<account>.blob.core.windows.net/<container>/<path>, or a connection string with Container= and Prefix=." };
        RejectOptionLookalike(table);
        var version = new Option<long?>("--version") { Description = "Read the table as of this version." };
        version.Validators.Add(r =>
        {
            if (IsNegative(r))
            {
                r.AddError("--version must be 0 or more.");
            }
        });
        var timestamp = new Option<string?>("--timestamp") { Description = "Read the latest version committed at or before this time (ISO-8601; without an offset it is UTC)." };
        var format = new Option<string>("--format") { Description = "Output format: csv (RFC 4180, with a header) or json (one object per line).", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "json");
        var columns = new Option<string?>("--columns") { Description = "Comma-separated column names to print, in this order (default: all)." };
        var limit = new Option<long?>("--limit") { Description = "Print at most this many rows." };
        limit.Validators.Add(r =>
        {
            if (IsNegative(r))
            {
                r.AddError("--limit must be 0 or more.");
            }
        });

        var command = new Command("cat", "Print a table's rows (deletion vectors applied) to stdout.") { table, version, timestamp, format, columns, limit };
        command.SetAction((parse, ct) => RunAsync(
            console,
            parse.GetRequiredValue(table),
            parse.GetValue(version),
            parse.GetValue(timestamp),
            parse.GetValue(format) ?? "csv",
            parse.GetValue(columns),
            parse.GetValue(limit),
            ct));
        return command;
    }

    public static async Task<int> RunAsync(CliConsole console, string tableUri, long? version, string? timestamp, string format, string? columns, long? limit, CancellationToken cancellationToken)
    {
        if (version is not null && timestamp is not null)
        {
            throw new UsageException("Give --version or --timestamp, not both.");
        }

        var at = timestamp is null ? (DateTimeOffset?)null : ParseTimestamp(timestamp);
        var snapshot = await TableSource.LoadAsync(tableUri, version, at, cancellationToken).ConfigureAwait(false);
        var scan = new DeltaScan(snapshot);
        if (columns is not null)
        {
            scan.Select(ParseColumns(columns, snapshot));
        }

        RowWriter writer = format == "json"
            ? new JsonLinesRowWriter(console.Out, scan.Columns.Select(c => c.Name).ToList())
            : new CsvRowWriter(console.Out, scan.Columns.Select(c => c.Name).ToList());
        await ScanPrinter.PrintAsync(scan, writer, limit, cancellationToken).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    /// <summary>True when an integer option was given a negative number (a non-number is the parser's own error).</summary>
    internal static bool IsNegative(System.CommandLine.Parsing.OptionResult result) =>
        result.Tokens.Count == 1 && long.TryParse(result.Tokens[0].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value < 0;

    /// <summary>An unknown option in the argument's place ("--bogus") is a typo, not a table path.</summary>
    internal static void RejectOptionLookalike(Argument<string> argument) => argument.Validators.Add(r =>
    {
        if (r.Tokens.Count > 0 && r.Tokens[0].Value.StartsWith('-'))
        {
            r.AddError($"'{r.Tokens[0].Value}' is not an option of this command, and {argument.Name} cannot start with '-'.");
        }
    });

    private static DateTimeOffset ParseTimestamp(string text)
    {
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            return value;
        }

        throw new UsageException($"--timestamp '{text}' is not a date-time; use ISO-8601, e.g. 2024-05-01T12:00:00Z.");
    }

    private static string[] ParseColumns(string text, Snapshot snapshot)
    {
        var names = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (names.Length == 0)
        {
            throw new UsageException("--columns names no column; give a comma-separated list such as --columns id,name.");
        }

        var unknown = names.Where(n => snapshot.Schema.FindField(n) is null).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException(
                $"--columns names {string.Join(", ", unknown.Select(n => $"'{n}'"))}, not in the table at version {snapshot.Version}; its columns are {string.Join(", ", snapshot.Schema.Fields.Select(f => f.Name))}.");
        }

        return names;
    }
}
