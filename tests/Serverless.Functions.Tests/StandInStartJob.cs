using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;
using Serverless.Cdc.Preflight;
using Serverless.Orchestrations.Jobs;
using Serverless.Orchestrations.StartJob;

namespace Serverless.Functions.Tests;

/// <summary>
/// Registered under StartJob's name on InProcessTestHost in place of StartJobOrchestrator, which still runs on our own
/// orchestration API this round (it moves to Microsoft.DurableTask separately). It takes StartJob's input, publishes a
/// custom status shaped like StartJob's, then ends the way the test tells it through the <see cref="FinishEvent"/>.
/// </summary>
internal static class StandInStartJob
{
    public const string FinishEvent = "finish";
    public const string Complete = "complete";
    public const string PreflightFails = "preflight";
    public const string Fail = "fail";

    public const string FailureMessage = "ReadChunk failed for shop.orders";
    public const string FailureCause = "the lake target https://lakeacct.blob.core.windows.net/lake is read-only";

    public static readonly PreflightProblem Problem = new(PreflightCheck.BinlogFormat, "mysql.example.internal:3306", "binlog_format is STATEMENT.", "SET GLOBAL binlog_format = 'ROW'.");

    public static readonly TableSnapshotStatus Running = new()
    {
        SourceTable = "shop.orders",
        LakeTable = "shop_orders",
        ChunksTotal = 4,
        ChunksRead = 2,
        ChunksCommitted = 1,
        RowsEstimate = 1000,
        RowsRead = 500,
        RowsCommitted = 250,
        FilesCommitted = 1,
        BytesCommitted = 4096,
        Commits = 1,
    };

    public static readonly StartPosition Position = new("mariadb-bin.000007", 1234, "0-1-42", new DateTime(2026, 12, 6, 6, 0, 0, DateTimeKind.Utc));

    public static void Register(DurableTaskRegistry registry) =>
        registry.AddOrchestratorFunc<StartJobInput, StartJobResult>(StartJobOrchestrator.Name, async (context, input) =>
        {
            context.SetCustomStatus(new SnapshotStatus { Phase = JobPhase.Snapshotting, Tables = [Running] });
            var outcome = await context.WaitForExternalEvent<string>(FinishEvent);
            return outcome switch
            {
                PreflightFails => new StartJobResult { Outcome = StartJobOutcome.PreflightFailed, Problems = [Problem] },
                Fail => throw new InvalidOperationException(FailureMessage, new IOException(FailureCause)),
                _ => new StartJobResult
                {
                    Outcome = StartJobOutcome.Completed,
                    StartPosition = Position,
                    Tables = [Running with { ChunksRead = 4, ChunksCommitted = 4, RowsRead = 1000, RowsCommitted = 1000, Complete = true }],
                },
            };
        });
}
