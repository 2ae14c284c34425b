using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Serverless.Cdc.Schema;
using Serverless.Cdc.Verify;
using Serverless.MySql.Client;
using Serverless.Orchestrations.Hosting;

namespace Serverless.Cli.Jobs;

/// <summary>
/// `serverless verify --job job.json [--tables db.t1,db.t2] [--format text|json]`: compares each table of the job at the
/// source with its lake table (<see cref="JobVerifier"/>) and reports the rows that differ. Exit 0 equal, 4 differences.
/// </summary>
internal static class VerifyCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static Command Create(CliConsole console)
    {
        var job = JobOptions.JobSpec();
        var tables = new Option<string?>("--tables") { Description = "Comma-separated db.table names of the job to verify (default: every table of the job)." };
        var format = new Option<string>("--format") { Description = "Report format: text, or json (one document).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var rechecks = new Option<int>("--rechecks")
        {
            Description = "How many times ranges that differ are compared again against a newer source read view and lake version before they are reported (a lake fed by a running capture trails the source).",
            DefaultValueFactory = _ => new VerifyOptions().Rechecks,
        };
        var delay = new Option<double>("--recheck-delay")
        {
            Description = "Seconds to wait before each re-check.",
            DefaultValueFactory = _ => new VerifyOptions().RecheckDelay.TotalSeconds,
        };
        var command = new Command("verify", "Compare a job's source tables with its lake tables by key-range checksums; report the rows that differ (exit 4).")
        {
            job, tables, format, rechecks, delay,
        };
        command.SetAction((parse, ct) => RunAsync(
            console,
            parse.GetRequiredValue(job),
            parse.GetValue(tables),
            parse.GetValue(format) ?? "text",
            new VerifyOptions { Rechecks = parse.GetValue(rechecks), RecheckDelay = TimeSpan.FromSeconds(parse.GetValue(delay)) },
            ct));
        return command;
    }

    public static async Task<int> RunAsync(CliConsole console, string jobPath, string? tableNames, string format, VerifyOptions options, CancellationToken cancellationToken)
    {
        if (options.Rechecks < 0 || options.RecheckDelay < TimeSpan.Zero)
        {
            throw new UsageException("--rechecks and --recheck-delay cannot be negative; use 0 to report differences without looking again.");
        }

        var (spec, lake) = JobRunner.OpenJob(jobPath);
        var verifier = new JobVerifier(spec, lake, options);
        var results = new List<TableVerification>();
        try
        {
            var tables = Select(await verifier.DiscoverAsync(cancellationToken).ConfigureAwait(false), tableNames, jobPath);
            if (format == "text")
            {
                await console.Out.WriteLineAsync($"verify job {spec.Name}: {tables.Count} table(s), source {spec.Source.Host}:{spec.Source.Port}, lake {lake.Location}").ConfigureAwait(false);
            }

            foreach (var table in tables)
            {
                var result = await verifier.VerifyAsync(table, cancellationToken).ConfigureAwait(false);
                results.Add(result);
                if (format == "text")
                {
                    await WriteTextAsync(console.Out, result).ConfigureAwait(false);
                }
            }
        }
        catch (MySqlException e)
        {
            throw new CommandFailedException($"Could not read the source {spec.Source.Host}:{spec.Source.Port} of job {spec.Name}: {e.Message}", e);
        }

        var differing = results.Where(r => !r.IsEqual).ToList();
        if (format == "json")
        {
            await console.Out.WriteLineAsync(JsonSerializer.Serialize(new { job = spec.Name, equal = differing.Count == 0, tables = results }, JsonOptions)).ConfigureAwait(false);
        }
        else
        {
            await console.Out.WriteLineAsync(differing.Count == 0
                ? $"Equal: {results.Count} table(s) match their lake tables."
                : string.Create(CultureInfo.InvariantCulture, $"Differences: {differing.Count} of {results.Count} table(s) differ ({differing.Sum(r => r.Missing + r.Extra + r.Different + r.Duplicate):N0} rows).")).ConfigureAwait(false);
        }

        return differing.Count == 0 ? ExitCodes.Success : ExitCodes.Differences;
    }

    /// <summary>The job's tables named in <paramref name="names"/> (all when null); a name that is not one of them is a usage error.</summary>
    private static List<SourceTable> Select(IReadOnlyList<SourceTable> tables, string? names, string jobPath)
    {
        if (tables.Count == 0)
        {
            throw new CommandFailedException($"Job {jobPath} matches no table at the source: check tables.include in the spec.");
        }

        if (string.IsNullOrWhiteSpace(names))
        {
            return tables.ToList();
        }

        var wanted = names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = wanted.Where(w => !tables.Any(t => string.Equals(t.QualifiedName, w, StringComparison.Ordinal))).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException(
                $"--tables names {string.Join(", ", unknown.Select(u => $"'{u}'"))}, which {(unknown.Count == 1 ? "is" : "are")} not a table of this job. " +
                $"The job's tables: {string.Join(", ", tables.Select(t => t.QualifiedName))}.");
        }

        return tables.Where(t => wanted.Contains(t.QualifiedName, StringComparer.Ordinal)).ToList();
    }

    private static async Task WriteTextAsync(TextWriter output, TableVerification r)
    {
        var position = r.SourcePosition is null ? "source read view (the server reports no binlog position)" : $"source at {r.SourcePosition}";
        var compared = string.Create(CultureInfo.InvariantCulture,
            $"{position} vs lake version {r.LakeVersion}; {r.SourceRows:N0} source rows, {r.LakeRows:N0} lake rows; {r.Ranges:N0} ranges, {r.RangesChecksummed:N0} checksummed, {r.Passes} pass(es)");
        if (r.IsEqual)
        {
            await output.WriteLineAsync($"{r.SourceTable} -> {r.LakeTable}: equal ({compared})").ConfigureAwait(false);
            return;
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{r.SourceTable} -> {r.LakeTable}: {r.Missing:N0} missing, {r.Extra:N0} extra, {r.Different:N0} different, {r.Duplicate:N0} duplicate ({compared})")).ConfigureAwait(false);
        foreach (var d in r.Differences)
        {
            var values = d.Kind switch
            {
                DifferenceKind.Different => string.Join("; ", d.Columns.Select(c => $"{c.Column}: source {c.Source}, lake {c.Lake}")),
                DifferenceKind.Missing => string.Join(", ", d.Columns.Select(c => $"{c.Column}={c.Source}")),
                _ => string.Join(", ", d.Columns.Select(c => $"{c.Column}={c.Lake}")),
            };
            await output.WriteLineAsync($"  {d.Kind.ToString().ToLowerInvariant(),-9} {d.Key}: {values}").ConfigureAwait(false);
        }

        var shown = r.Differences.Count;
        var total = r.Missing + r.Extra + r.Different + r.Duplicate;
        if (total > shown)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  ... and {total - shown:N0} more")).ConfigureAwait(false);
        }
    }
}
