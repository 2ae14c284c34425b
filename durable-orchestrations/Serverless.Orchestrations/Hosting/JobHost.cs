using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Cdc.Jobs;
using Serverless.Durable.Runtime;
using Serverless.Orchestrations.JobApi;
using Serverless.Orchestrations.Jobs;
using Serverless.Orchestrations.Streaming;
using Serverless.Storage;
using Serverless.Storage.Local;
using Serverless.Storage.State;

namespace Serverless.Orchestrations.Hosting;

/// <summary>
/// One job on the embedded runtime: the lake and state stores, the service container activities are built from, and
/// the runtime over <c>{state}/orchestrations</c> (job state in <c>{state}/jobs</c>).
/// </summary>
internal sealed class JobHost : IAsyncDisposable
{
    private readonly ServiceProvider? services;

    private JobHost(JobSpec spec, string specPath, string stateFolder, IObjectStore lake, IStateStore state, EmbeddedDurableRuntime runtime, ServiceProvider? services)
    {
        Spec = spec;
        SpecPath = Path.GetFullPath(specPath);
        StateFolder = stateFolder;
        Lake = lake;
        State = new JobStateStore(state, spec.Name);
        Runtime = runtime;
        this.services = services;
    }

    /// <summary>The job spec, its relative paths resolved against its file's folder (<see cref="JobSpecFile"/>).</summary>
    public JobSpec Spec { get; }

    public string SpecPath { get; }

    public string StateFolder { get; }

    public IObjectStore Lake { get; }

    public JobStateStore State { get; }

    public EmbeddedDurableRuntime Runtime { get; }

    /// <summary>The job's environment as activities see it (null on a status-only host).</summary>
    public JobEnvironment? Environment => services?.GetService<JobEnvironment>();

    /// <summary>The live streaming objects of this process (null on a status-only host).</summary>
    public StreamMonitor? Monitor => services?.GetService<StreamMonitor>();

    /// <summary>The job's change log (null on a status-only host).</summary>
    public ChangeLogHost? ChangeLog => services?.GetService<ChangeLogHost>();

    public string InstanceId => JobRunner.InstanceIdFor(Spec.Name);

    public JobLocations Locations => new(Spec.Name, SpecPath, Lake.Location, StateFolder);

    /// <summary>A host that can run the job (resolves the source password; throws <see cref="JobSpecException"/> when it cannot).</summary>
    public static JobHost ForRunning(JobSpec spec, string specPath, JobRunnerOptions options)
    {
        var lake = OpenLake(spec);
        var stateFolder = StateFolderFor(lake, options.StateFolder, specPath);
        var state = new LocalFolderStateStore(Path.Combine(stateFolder, "jobs"));
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var environment = new JobEnvironment(spec, lake, state, loggerFactory);
        var collection = new ServiceCollection();
        collection.AddServerlessCdc(new ServerlessCdcOptions { StateStore = state, ChunksPerCommit = options.ChunksPerCommit });
        collection.AddSingleton(environment);
        collection.AddSingleton(new ChangeLogHost(ChangeLogHost.FolderIn(stateFolder), spec.Stream.Partitions, options.ChangeLogDurability));
        collection.AddSingleton<StreamMonitor>();
        collection.AddSingleton(loggerFactory);
        collection.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        options.ConfigureServices?.Invoke(collection);
        var services = collection.BuildServiceProvider();
        var runtimeOptions = new EmbeddedRuntimeOptions
        {
            // Reads are bounded by the orchestrator; the extra workers keep commits and bookkeeping from queuing behind them.
            // Streaming segments hold a worker for minutes each: capture, one writer per partition, a compaction round and a re-snapshot
            // get workers of their own, so they never starve the snapshot's reads.
            MaxConcurrentActivities = spec.Snapshot.Parallelism + 2 + 1 + spec.Stream.Partitions + 1 + 1,

            // The job's status lists every table and changes every episode; this process reads it from memory, so the
            // status object (for `serverless status` elsewhere) is refreshed once a second, not after every episode.
            StatusWriteInterval = options.StatusWriteInterval,
            DataConverter = OrchestrationRegistry.DataConverter,
        };
        var runtime = EmbeddedDurableRuntime.ForLocalFolder(OrchestrationsFolder(stateFolder), new DurableTaskRegistry().AddStartJob().AddStreaming(), runtimeOptions, services, loggerFactory);
        return new JobHost(spec, specPath, stateFolder, lake, state, runtime, services);
    }

    /// <summary>A host for reading status only: the runtime is never started and no secret is resolved.</summary>
    public static JobHost ForStatus(JobSpec spec, string specPath, string? stateFolder)
    {
        var lake = OpenLake(spec);
        var folder = StateFolderFor(lake, stateFolder, specPath);
        var runtime = new EmbeddedDurableRuntime(
            new DurableTaskRegistry().AddStartJob().AddStreaming(),
            new LocalFolderObjectStore(OrchestrationsFolder(folder)),
            new EmbeddedRuntimeOptions { DataConverter = OrchestrationRegistry.DataConverter });
        return new JobHost(spec, specPath, folder, lake, new LocalFolderStateStore(Path.Combine(folder, "jobs")), runtime, null);
    }

    /// <summary>The folders a job uses, without opening anything.</summary>
    public static JobLocations Locate(JobSpec spec, string specPath, string? stateFolder)
    {
        var lake = OpenLake(spec);
        return new JobLocations(spec.Name, Path.GetFullPath(specPath), lake.Location, StateFolderFor(lake, stateFolder, specPath));
    }

    /// <summary>Where the embedded runtime keeps orchestration history inside a state folder.</summary>
    public static string OrchestrationsFolder(string stateFolder) => Path.Combine(stateFolder, "orchestrations");

    public async ValueTask DisposeAsync()
    {
        await Runtime.DisposeAsync().ConfigureAwait(false);
        if (services is not null)
        {
            await services.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The lake's store for <c>target.root</c> (no I/O); a malformed root is a spec error.</summary>
    public static IObjectStore OpenLake(JobSpec spec)
    {
        try
        {
            return ObjectStoreLocation.Open(spec.Target.Root);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or UriFormatException)
        {
            throw new JobSpecException([new JobSpecError("$.target.root", e.Message, "use a folder path, file://, https://<account>.blob.core.windows.net/<container>[/<prefix>] or a storage connection string with Container=")]);
        }
    }

    /// <summary>The configured state folder, else <c>.serverless-state</c> beside a local lake, else beside the job spec.</summary>
    public static string StateFolderFor(IObjectStore lake, string? configured, string specPath)
    {
        // A folder given on the command line is relative to where the command runs, like any other argument.
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured);
        }

        // Beside a local lake folder (so the lake and its state move together), else beside the job spec.
        if (lake is LocalFolderObjectStore local && Path.GetDirectoryName(local.RootPath.TrimEnd(Path.DirectorySeparatorChar)) is { Length: > 0 } parent)
        {
            return Path.Combine(parent, ".serverless-state");
        }

        return Path.Combine(JobSpecFile.FolderOf(specPath), ".serverless-state");
    }
}
