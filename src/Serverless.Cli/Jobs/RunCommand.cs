using System.CommandLine;
using Serverless.Orchestrations.Hosting;
using Spectre.Console;

namespace Serverless.Cli.Jobs;

/// <summary>
/// `serverless run --job job.json`: preflight, schema migration and the parallel snapshot of every table, then streaming
/// of every change into the lake until stopped, with live progress. Ctrl-C stops cleanly (exit 130) and the next run
/// resumes (the snapshot where it stopped, or the stream: capture from its checkpoint, writers from the lake's txn
/// versions). `--snapshot-only` stops after the snapshot; `--until-caught-up` stops (exit 0) once the lake has every
/// change up to the binlog's end as it was when streaming began. The work is one call of <see cref="JobRunner"/>.
/// </summary>
internal static class RunCommand
{
    public static Command Create(CliConsole console)
    {
        var job = JobOptions.JobSpec();
        var state = JobOptions.StateFolder();
        var snapshotOnly = new Option<bool>("--snapshot-only") { Description = "Stop once the snapshot is complete instead of streaming changes." };
        var untilCaughtUp = new Option<bool>("--until-caught-up")
        {
            Description = "Stream until every change up to the binlog's end (as it is when the snapshot completes) is in the lake, then stop with exit 0.",
        };
        var command = new Command("run", "Run a job: preflight, create the lake tables, snapshot every table, then stream changes until stopped (resumes an unfinished run).")
        {
            job, state, snapshotOnly, untilCaughtUp,
        };
        command.SetAction((parse, ct) =>
        {
            if (parse.GetValue(snapshotOnly) && parse.GetValue(untilCaughtUp))
            {
                throw new UsageException("Give --snapshot-only (stop after the snapshot) or --until-caught-up (stream, then stop once caught up), not both.");
            }

            var options = new JobRunnerOptions { StateFolder = parse.GetValue(state), SnapshotOnly = parse.GetValue(snapshotOnly), UntilCaughtUp = parse.GetValue(untilCaughtUp) };
            return RunAsync(console, parse.GetRequiredValue(job), options, ct);
        });
        return command;
    }

    public static async Task<int> RunAsync(CliConsole console, string jobPath, JobRunnerOptions options, CancellationToken cancellationToken)
    {
        var latest = new LatestProgress();
        var run = JobRunner.RunAsync(jobPath, options, latest, cancellationToken);
        var interactive = ReferenceEquals(console.Error, Console.Error) && !Console.IsErrorRedirected;
        var view = new ProgressView();
        if (interactive)
        {
            var terminal = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            await terminal.Live(view.Render(null, terminal.Profile.Width)).StartAsync(async live =>
            {
                while (!run.IsCompleted)
                {
                    live.UpdateTarget(view.Render(latest.Value, terminal.Profile.Width));
                    await Task.WhenAny(run, Task.Delay(500, CancellationToken.None)).ConfigureAwait(false);
                }

                live.UpdateTarget(view.Render(latest.Value, terminal.Profile.Width));
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
                    var lines = shown is null || shown.Phase != p.Phase ? view.Frame(p, null).Select(l => l.Text) : [ProgressView.Summary(p)];
                    foreach (var line in lines)
                    {
                        await console.Error.WriteLineAsync(line).ConfigureAwait(false);
                    }

                    shown = p;
                }
            }
        }

        var rc = await run.ConfigureAwait(false);
        await ReportOutcomeAsync(console, latest.Value, rc, interactive ? null : view).ConfigureAwait(false);
        return rc;
    }

    /// <summary>A lake table's location as the user types it here: relative when under the current folder, else absolute.</summary>
    internal static string LakeTablePath(string lake, string table)
    {
        if (lake.Contains("://", StringComparison.Ordinal))
        {
            return $"{lake.TrimEnd('/')}/{table}";
        }

        var path = Path.Combine(lake, table);
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }

    /// <summary>The outcome; <paramref name="log"/> (output redirected) also prints the final progress, which no live display showed.</summary>
    private static async Task ReportOutcomeAsync(CliConsole console, JobProgress? final, int rc, ProgressView? log)
    {
        if (final is { Tables.Count: > 0 } && log is not null)
        {
            foreach (var line in log.Frame(final, null))
            {
                await console.Error.WriteLineAsync(line.Text).ConfigureAwait(false);
            }
        }

        foreach (var problem in final?.Problems ?? [])
        {
            await console.Error.WriteLineAsync($"problem: {problem}").ConfigureAwait(false);
        }

        if (final?.Resumed == true)
        {
            await console.Error.WriteLineAsync($"This run resumed the unfinished run of job {final.JobName}.").ConfigureAwait(false);
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
                await console.Out.WriteLineAsync($"Read one with: {CliInvocation.Command} delta cat {CliInvocation.Quote(LakeTablePath(lake, first.LakeTable))} --limit 10").ConfigureAwait(false);
            }
        }

        if (final?.StateFolder is { } state && rc != JobExitCodes.Cancelled)
        {
            await (rc == JobExitCodes.Success ? console.Out : console.Error).WriteLineAsync($"Job state is in {state}").ConfigureAwait(false);
        }

        if (rc == JobExitCodes.Cancelled)
        {
            await console.Error.WriteLineAsync("Stopped. Run the same command again to resume where it stopped.").ConfigureAwait(false);
        }
        else if (rc == JobExitCodes.Failed)
        {
            await console.Error.WriteLineAsync("The run failed; fix the cause above and run the same command again to resume.").ConfigureAwait(false);
        }
    }
}
