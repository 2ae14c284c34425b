using Microsoft.DurableTask.Client;
using Serverless.Cli.Jobs;
using Serverless.Orchestrations.Hosting;
using Serverless.Orchestrations.StartJob;

namespace Serverless.Cli.Tests;

/// <summary>The words `serverless status` uses for where a job stands.</summary>
public sealed class StatusLabelTests
{
    [Theory]
    [InlineData(OrchestrationRuntimeStatus.Completed, JobPhase.Completed, "Completed")]
    [InlineData(OrchestrationRuntimeStatus.Completed, JobPhase.PreflightFailed, "Preflight failed (nothing was written; fix the problems below and run again)")]
    [InlineData(OrchestrationRuntimeStatus.Failed, JobPhase.Failed, "Failed (run again to retry; completed tables are kept)")]
    [InlineData(OrchestrationRuntimeStatus.Running, JobPhase.Snapshotting, "Snapshotting, not finished (running now, or stopped: run it again to resume)")]
    public void LabelSaysThePhaseOnceAndWhatToDo(OrchestrationRuntimeStatus runtimeStatus, JobPhase phase, string expected)
    {
        var report = new JobStatusReport
        {
            JobName = "shop",
            Locations = new JobLocations("shop", "/jobs/shop.json", "/jobs/lake", "/jobs/.serverless-state"),
            InstanceId = "startjob-shop",
            RuntimeStatus = runtimeStatus,
            Phase = phase,
        };

        Assert.Equal(expected, StatusCommand.Label(report));
    }
}
