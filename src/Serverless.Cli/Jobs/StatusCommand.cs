using System.CommandLine;
using System.Globalization;
using Serverless.Orchestrations.Hosting;

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
            await console.Out.WriteLineAsync($"Job in {jobPath} has not run yet (no saved state). Start it with: serverless run --job {jobPath}").ConfigureAwait(false);
            return ExitCodes.Success;
        }

        await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"job {report.JobName}: {report.Phase} ({report.RuntimeStatus}), started {report.CreatedAtUtc:u}, last update {report.LastUpdatedAtUtc:u}")).ConfigureAwait(false);
        if (report.StartPosition is { } p0)
        {
            await console.Out.WriteLineAsync($"start position (capture begins here): {p0}").ConfigureAwait(false);
        }

        foreach (var t in report.Tables)
        {
            await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  {t.SourceTable,-40} -> {t.LakeTable}  chunks {t.ChunksCommitted}/{t.ChunksTotal}  rows {t.RowsCommitted:N0}{(t.Complete ? "  complete" : string.Empty)}")).ConfigureAwait(false);
        }

        foreach (var problem in report.Problems)
        {
            await console.Out.WriteLineAsync($"problem: {problem}").ConfigureAwait(false);
        }

        if (report.Failure is { } failure)
        {
            await console.Out.WriteLineAsync($"failure: {failure}").ConfigureAwait(false);
        }

        return ExitCodes.Success;
    }
}
