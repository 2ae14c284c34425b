using Microsoft.Extensions.DependencyInjection;
using Serverless.Cdc.Transport.Embedded;
using Serverless.Orchestrations.Activities;
using Serverless.Orchestrations.Hosting;
using Serverless.Testing;

namespace Serverless.Orchestrations.IntegrationTests;

/// <summary>Job specs and runner options the tests share.</summary>
public static class TestJobs
{
    /// <summary>Writes a job spec against the local MariaDB (all-privileges user) into <paramref name="folder"/> and returns its path.</summary>
    public static string WriteSpec(
        string folder,
        string name,
        IEnumerable<string> include,
        string lakeRoot,
        IReadOnlyDictionary<string, string[]>? keys = null,
        int parallelism = 3,
        long chunkRows = 1000,
        string? password = null,
        int? partitions = null) =>
        TestJobSpec.Write(folder, name, include, lakeRoot, keys, parallelism, chunkRows, password, partitions: partitions);

    /// <summary>A streaming run that stops once caught up, with fast progress and stream-status writes.</summary>
    public static JobRunnerOptions UntilCaughtUp(string stateFolder, LogDurability durability = LogDurability.OperatingSystemCache) => new()
    {
        StateFolder = stateFolder,
        UntilCaughtUp = true,
        ProgressInterval = TimeSpan.FromMilliseconds(200),
        StreamStatusWriteInterval = TimeSpan.FromMilliseconds(500),
        ChangeLogDurability = durability,
    };

    /// <summary>
    /// Options that count chunk reads in <paramref name="ledger"/>; reads after the first <paramref name="holdAfterReads"/> wait until the run stops.
    /// The run stops after the snapshot (these tests are about it; the streaming tests set their own).
    /// </summary>
    public static JobRunnerOptions RunnerOptions(string stateFolder, string ledger, TimeSpan readDelay, int holdAfterReads = int.MaxValue) => new()
    {
        StateFolder = stateFolder,
        SnapshotOnly = true,
        ChunksPerCommit = 2,
        ProgressInterval = TimeSpan.FromMilliseconds(200),
        ConfigureServices = services => services.AddSingleton<IChunkReadObserver>(new ChunkReadLedger(ledger, readDelay, holdAfterReads)),
    };
}
