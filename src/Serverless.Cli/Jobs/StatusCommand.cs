using System.CommandLine;
using System.Globalization;
using Microsoft.DurableTask.Client;
using Serverless.Orchestrations.Hosting;
using Serverless.Orchestrations.StartJob;

namespace Serverless.Cli.Jobs;

/// <summary>`serverless status --job job.json`: where a job stands, from its saved state (the job need not be running).</summary>
internal static class StatusCommand
{
    public static Command Create(CliConsole console)
    {
        var job = JobOptions.JobSpec();
        var state = JobOptions.StateFolder();
        var command = new Command("status", "Show a job's phase, start position and per-table progress from its saved state.") { job, state };
        command.SetAction((parse, ct) => RunAsync(console, parse.GetRequiredValue(job), parse.GetValue(state), ct));
        return command;
    }

    public static async Task<int> RunAsync(CliConsole console, string jobPath, string? stateFolder, CancellationToken cancellationToken)
    {
        var report = await JobRunner.GetStatusAsync(jobPath, stateFolder, cancellationToken).ConfigureAwait(false);
        if (report is null)
        {
            var where = JobRunner.Locate(jobPath, stateFolder);
            await console.Out.WriteLineAsync($"Job {where.JobName} ({where.JobSpecPath}) has not run with the state folder {where.StateFolder} (no saved state there).").ConfigureAwait(false);
            await console.Out.WriteLineAsync($"Start it with: {CliInvocation.Command} run --job {CliInvocation.Quote(where.JobSpecPath)}{StateArgument(stateFolder, where)}").ConfigureAwait(false);
            return ExitCodes.Success;
        }

        await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"job {report.JobName}: {Label(report)}, started {report.CreatedAtUtc:u}, last update {report.LastUpdatedAtUtc:u}")).ConfigureAwait(false);
        await console.Out.WriteLineAsync($"  spec:  {report.Locations.JobSpecPath}").ConfigureAwait(false);
        await console.Out.WriteLineAsync($"  lake:  {report.Locations.Lake}").ConfigureAwait(false);
        await console.Out.WriteLineAsync($"  state: {report.Locations.StateFolder}").ConfigureAwait(false);
        if (report.StartPosition is { } p0)
        {
            await console.Out.WriteLineAsync($"start position (capture begins here): {p0}").ConfigureAwait(false);
        }

        var nameWidth = report.Tables.Select(t => t.SourceTable.Length).DefaultIfEmpty(0).Max();
        var lakeWidth = report.Tables.Select(t => t.LakeTable.Length).DefaultIfEmpty(0).Max();
        foreach (var t in report.Tables)
        {
            await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  {t.SourceTable.PadRight(nameWidth)} -> {t.LakeTable.PadRight(lakeWidth)}  chunks {t.ChunksCommitted:N0}/{t.ChunksTotal:N0}  rows {t.RowsCommitted:N0}{(t.Complete ? "  complete" : string.Empty)}")).ConfigureAwait(false);
        }

        foreach (var problem in report.Problems)
        {
            await console.Out.WriteLineAsync($"problem: {problem}").ConfigureAwait(false);
        }

        if (report.Failure is { } failure)
        {
            await console.Out.WriteLineAsync($"failure: {failure}").ConfigureAwait(false);
        }

        if (report.Stream is { } stream)
        {
            await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"stream: {(stream.Running ? "streaming" : "stopped")}, as of {stream.UpdatedAtUtc:u}")).ConfigureAwait(false);
            foreach (var line in StreamLines.Format(stream))
            {
                await console.Out.WriteLineAsync("  " + line).ConfigureAwait(false);
            }
        }

        if (report.StreamFailure is { } streamFailure)
        {
            await console.Out.WriteLineAsync($"stream failure: {streamFailure}").ConfigureAwait(false);
        }

        return ExitCodes.Success;
    }

    /// <summary>
    /// The job's state in words. An instance that has not ended is "running" in the store whether a process is working
    /// on it or it was stopped (Ctrl-C, a crash), so the label says both and how to go on.
    /// </summary>
    internal static string Label(JobStatusReport report) => report.RuntimeStatus switch
    {
        OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated => report.Phase switch
        {
            JobPhase.Completed => "Completed",
            JobPhase.PreflightFailed => "Preflight failed (nothing was written; fix the problems below and run again)",
            _ => "Failed (run again to retry; completed tables are kept)",
        },
        _ => $"{report.Phase}, not finished (running now, or stopped: run it again to resume)",
    };

    private static string StateArgument(string? stateFolder, JobLocations where) =>
        string.IsNullOrWhiteSpace(stateFolder) ? string.Empty : " --state " + CliInvocation.Quote(where.StateFolder);
}
