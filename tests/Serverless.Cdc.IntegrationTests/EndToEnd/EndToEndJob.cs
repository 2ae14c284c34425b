using Serverless.Cdc.Capture;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Schema;
using Serverless.Cdc.Schema.Evolution;
using Serverless.Cdc.Transport;
using Serverless.Cdc.Writer;
using Serverless.Delta;
using Serverless.MySql.Client;
using Serverless.Orchestrations.Hosting;
using Serverless.Orchestrations.Jobs;
using Serverless.Storage;
using Serverless.Storage.State;

namespace Serverless.Cdc.IntegrationTests.EndToEnd;

/// <summary>
/// A job as the end-to-end tests run it: the spec file StartJob snapshots, and what capture and the writers are built
/// from, the way a streaming host would build them (until <c>serverless run</c> streams): P0 from the job state StartJob
/// recorded, the tables by the job's patterns and key overrides, the lake tables by the job's naming rules, the capture
/// checkpoint in the job's own state store.
/// </summary>
internal sealed class EndToEndJob
{
    private EndToEndJob(string specPath, string stateFolder, JobSpec spec, IObjectStore lake)
    {
        SpecPath = specPath;
        StateFolder = stateFolder;
        Spec = spec;
        Lake = lake;
        State = new LocalFolderStateStore(Path.Combine(stateFolder, "jobs"));
    }

    public string SpecPath { get; }

    public string StateFolder { get; }

    public JobSpec Spec { get; }

    public IObjectStore Lake { get; }

    /// <summary>The job's state store, where StartJob keeps P0 and capture its checkpoint (as <c>serverless run</c> lays it out).</summary>
    public IStateStore State { get; }

    public static EndToEndJob Open(string specPath, string stateFolder)
    {
        var (spec, lake) = JobRunner.OpenJob(specPath);
        return new EndToEndJob(specPath, stateFolder, spec, lake);
    }

    /// <summary>Writes a job spec for <paramref name="database"/>.* on a MariaDB as its all-privileges user and returns its path.</summary>
    public static string WriteSpec(
        string folder,
        string name,
        string database,
        string lakeRoot,
        IReadOnlyDictionary<string, string[]>? keys = null,
        int parallelism = 2,
        long chunkRows = 4_000,
        int? port = null,
        string? writeMode = null) =>
        TestJobSpec.Write(folder, name, [database + ".*"], lakeRoot, keys, parallelism, chunkRows, port: port, writeMode: writeMode);

    public MySqlConnectionOptions Source => Spec.Source.ToConnectionOptions("serverless " + Spec.Name + " e2e");

    /// <summary>P0 as StartJob recorded it, or null before it has.</summary>
    public async Task<StartPosition?> StartPositionAsync(CancellationToken cancellationToken = default) =>
        await new JobStateStore(State, Spec.Name).GetStartPositionAsync(cancellationToken);

    /// <summary>The job's tables at the source now, keys as the job defines them.</summary>
    public async Task<IReadOnlyList<SourceTable>> DiscoverAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await MySqlConnection.OpenAsync(Source with { Name = "e2e discovery" }, cancellationToken: cancellationToken);
        return await SchemaDiscovery.DiscoverAsync(connection, Spec.Tables, Spec.KeyOverrides, cancellationToken: cancellationToken);
    }

    /// <summary>Capture of the job from P0 (later runs from the checkpoint), with its key overrides and the given spread.</summary>
    public CaptureOptions CaptureOptions(IReadOnlyList<SourceTable> tables, StartPosition start, uint replicaServerId, IReadOnlyDictionary<string, int> spread) => new()
    {
        JobName = Spec.Name,
        Source = Source,
        ReplicaServerId = replicaServerId,
        Tables = Spec.Tables,
        Start = new CaptureStart(start.ToBinlogPosition(), start.Gtid),
        DiscoveredTables = tables,
        KeyOverrides = Spec.KeyOverrides,
        Spread = spread,
        HeartbeatPeriod = TimeSpan.FromSeconds(1),
        CheckpointInterval = TimeSpan.FromMilliseconds(200),
        InitialReconnectDelay = TimeSpan.FromMilliseconds(100),
        MaxReconnectDelay = TimeSpan.FromMilliseconds(500),
    };

    /// <summary>Whether any change of <paramref name="table"/> maps to <paramref name="partition"/> (every slot of a spread table counts).</summary>
    public static bool MapsTo(SourceTable table, int partition, int partitions, IReadOnlyDictionary<string, int> spread) =>
        PartitionKeys.ForTableSlots(table.Database, table.Name, spread.GetValueOrDefault(table.QualifiedName, 1))
            .Any(key => PartitionKeys.PartitionFor(key, partitions) == partition);

    /// <summary>The lake table of <paramref name="table"/>, or null while StartJob has not created it yet.</summary>
    public async Task<DeltaTable?> TryOpenLakeTableAsync(SourceTable table, CancellationToken cancellationToken = default)
    {
        var location = LakeLocation(table);
        await foreach (var _ in Lake.ListAsync(location.LogFolder, cancellationToken))
        {
            return await DeltaTable.OpenAsync(location, cancellationToken: cancellationToken);
        }

        return null;
    }

    public TableLocation LakeLocation(SourceTable table) => LakeLocation(table.Database, table.Name);

    public TableLocation LakeLocation(string database, string table) => new(Lake, Spec.Target.Naming.LakeTableName(database, table));

    /// <summary>The writers' schema-change handler, as the streaming host builds it: DDL evolves the lake by the job's <c>schemaChanges</c>.</summary>
    public SchemaChangeEvolver SchemaChanges() => new(Spec, LakeLocation);

    /// <summary>
    /// The pipeline in this process, once: captures from P0 (or the checkpoint) to the binlog's current end into
    /// <paramref name="log"/>, then each partition's writer applies what the log holds. Fails naming any table a writer stopped.
    /// </summary>
    public async Task CatchUpAsync(IChangeLog log, uint replicaServerId, CancellationToken cancellationToken = default)
    {
        var start = await StartPositionAsync(cancellationToken) ?? throw new InvalidOperationException($"Job {Spec.Name} has no P0 yet: run its snapshot first.");
        var tables = await DiscoverAsync(cancellationToken);
        var noSpread = new Dictionary<string, int>(StringComparer.Ordinal);
        await using (var publisher = await log.OpenPublisherAsync(cancellationToken))
        {
            var capture = new BinlogCapture(CaptureOptions(tables, start, replicaServerId, noSpread) with { StopAtEnd = true }, publisher, State);
            await capture.RunAsync(cancellationToken);
        }

        for (var partition = 0; partition < log.PartitionCount; partition++)
        {
            var writerTables = new List<WriterTable>();
            foreach (var table in tables.Where(t => MapsTo(t, partition, log.PartitionCount, noSpread)))
            {
                var lake = await TryOpenLakeTableAsync(table, cancellationToken) ?? throw new InvalidOperationException($"{table.QualifiedName} has no lake table: run the job's snapshot first.");
                writerTables.Add(WriterTable(table, lake));
            }

            using var writer = new PartitionWriter(log, partition, writerTables, SchemaChanges());
            await writer.DrainAsync(cancellationToken);
            if (writer.StoppedTables.Count > 0)
            {
                throw new InvalidOperationException("The writer stopped tables: " + string.Join("; ", writer.StoppedTables.Select(t => $"{t.Key}: {t.Value.Message}")));
            }
        }
    }

    /// <summary>A writer's table: the job's type options and soft-delete choice, over the open lake table.</summary>
    public WriterTable WriterTable(SourceTable table, DeltaTable lake) =>
        new(TypeMapper.Map(table, Spec.Types, Spec.Target.SoftDelete), lake) { TypeMapping = Spec.Types };
}
