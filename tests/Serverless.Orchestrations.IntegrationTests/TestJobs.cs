using Microsoft.Extensions.DependencyInjection;
using Serverless.Orchestrations.Activities;
using Serverless.Orchestrations.Hosting;
using Serverless.Testing;

namespace Serverless.Orchestrations.IntegrationTests;

/// <summary>Runner options the tests share (job spec files: <see cref="TestJobSpec"/>).</summary>
public static class TestJobs
{
    /// <summary>Options that count chunk reads in <paramref name="ledger"/>; reads after the first <paramref name="holdAfterReads"/> wait until the run stops.</summary>
    public static JobRunnerOptions RunnerOptions(string stateFolder, string ledger, TimeSpan readDelay, int holdAfterReads = int.MaxValue) => new()
    {
        StateFolder = stateFolder,
        ChunksPerCommit = 2,
        ProgressInterval = TimeSpan.FromMilliseconds(200),
        ConfigureServices = services => services.AddSingleton<IChunkReadObserver>(new ChunkReadLedger(ledger, readDelay, holdAfterReads)),
    };
}
