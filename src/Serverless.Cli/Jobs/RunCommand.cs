using System.CommandLine;
using Serverless.Orchestrations.Hosting;
using Spectre.Console;

namespace Serverless.Cli.Jobs;

/// <summary>
/// `serverless run --job job.json`: preflight, schema migration and the parallel snapshot of every table, with live
/// progress. Ctrl-C stops cleanly (exit 130) and the next run resumes. The work is one call of <see cref="JobRunner"/>.
/// </summary>
internal static class RunCommand
{
    public static Command Create(CliConsole console)
    {
        var job = JobOptions.JobSpec();
        var state = JobOptions.StateFolder();
        var command = new Command("run", "Run a job: preflight, create the lake tables, snapshot every table (resumes an unfinished run).") { job, state };
        command.SetAction((parse, ct) => RunAsync(console, parse.GetRequiredValue(job), parse.GetValue(state), ct));
        return command;
    }

    public static async Task<int> RunAsync(CliConsole console, string jobPath, string? stateFolder, CancellationToken cancellationToken)
    {
        var latest = new LatestProgress();
        var run = JobRunner.RunAsync(jobPath, stateFolder, latest, cancellationToken);
        var interactive = ReferenceEquals(console.Error, Console.Error) && !Console.IsErrorRedirected;
        if (interactive)
        {
            var terminal = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            await terminal.Live(ProgressView.BuildTable(null)).StartAsync(async live =>
            {
                while (!run.IsCompleted)
                {
                    live.UpdateTarget(ProgressView.BuildTable(latest.Value));
                    await Task.WhenAny(run, Task.Delay(500, CancellationToken.None)).ConfigureAwait(false);
                }

                live.UpdateTarget(ProgressView.BuildTable(latest.Value));
            }).ConfigureAwait(false);
        }
        else
        {
            // Redirected output (a log, CI): a summary line every few seconds, and the tables when the phase changes.
            JobProgress? shown = null;
            while (!run.IsCompleted)
            {
                await Task.WhenAny(run, Task.Delay(5000, CancellationToken.None)).ConfigureAwait(false);
                var p = latest.Value;
                if (p is not null && !run.IsCompleted && !ReferenceEquals(p, shown))
                {
                    var lines = shown is null || shown.Phase != p.Phase ? ProgressView.Lines(p) : [ProgressView.Summary(p)];
                    foreach (var line in lines)
                    {
                        await console.Error.WriteLineAsync(line).ConfigureAwait(false);
                    }

                    shown = p;
                }
            }
        }

        var rc = await run.ConfigureAwait(false);
        await ReportOutcomeAsync(console, latest.Value, rc, interactive).ConfigureAwait(false);
        return rc;
    }

    private static string LakeTablePath(string lake, string table) =>
        lake.Contains("://", StringComparison.Ordinal) ? $"{lake.TrimEnd('/')}/{table}" : Path.GetRelativePath(Environment.CurrentDirectory, Path.Combine(lake, table));

    private static async Task ReportOutcomeAsync(CliConsole console, JobProgress? final, int rc, bool interactive)
    {
        if (final is not null && !interactive)
        {
            foreach (var line in ProgressView.Lines(final))
            {
                await console.Error.WriteLineAsync(line).ConfigureAwait(false);
            }
        }

        foreach (var problem in final?.Problems ?? [])
        {
            await console.Error.WriteLineAsync($"problem: {problem}").ConfigureAwait(false);
        }

        if (final?.Message is { } message)
        {
            await (rc == JobExitCodes.Success ? console.Out : console.Error).WriteLineAsync(message).ConfigureAwait(false);
        }

        if (rc == JobExitCodes.Success && final?.LakeLocation is { } lake)
        {
            await console.Out.WriteLineAsync($"Delta tables are under {lake}:").ConfigureAwait(false);
            foreach (var t in final.Tables)
            {
                await console.Out.WriteLineAsync($"  {t.SourceTable} -> {LakeTablePath(lake, t.LakeTable)}").ConfigureAwait(false);
            }

            var first = final.Tables.FirstOrDefault();
            if (first is not null)
            {
                await console.Out.WriteLineAsync($"Read one with: serverless delta cat {LakeTablePath(lake, first.LakeTable)} --limit 10").ConfigureAwait(false);
            }
        }
        else if (rc == JobExitCodes.Cancelled)
        {
            await console.Error.WriteLineAsync("Stopped. Run the same command again to resume where it stopped.").ConfigureAwait(false);
        }
        else if (rc == JobExitCodes.Failed)
        {
            await console.Error.WriteLineAsync("The run failed; fix the cause above and run the same command again to resume.").ConfigureAwait(false);
        }
    }
}
