using Serverless.Cdc.Jobs;
using Serverless.Cdc.Schema;
using Serverless.MySql.Client;

namespace Serverless.Cdc.Capture;

/// <summary>What <see cref="BinlogCapture"/> captures, from where, and how it batches and checkpoints.</summary>
public sealed record CaptureOptions
{
    /// <summary>The job: names the checkpoint row in the state store.</summary>
    public required string JobName { get; init; }

    /// <summary>The source, as a user with REPLICATION SLAVE (and REPLICATION CLIENT / BINLOG MONITOR).</summary>
    public required MySqlConnectionOptions Source { get; init; }

    /// <summary>The replica server id capture registers with; unique among the source's replicas.</summary>
    public required uint ReplicaServerId { get; init; }

    /// <summary>The job's tables; tables created later that match are captured from their CREATE on.</summary>
    public required TableSelection Tables { get; init; }

    /// <summary>P0, where the first run starts; later runs start at the checkpoint. Required until a checkpoint exists.</summary>
    public CaptureStart? Start { get; init; }

    /// <summary>The tables discovery found (their keys are used where the binlog names no primary key).</summary>
    public IReadOnlyList<SourceTable> DiscoveredTables { get; init; } = [];

    /// <summary>The job's key overrides by <c>db.table</c>; they win over primary keys.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> KeyOverrides { get; init; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);

    /// <summary>
    /// The schema version discovery recorded per <c>db.table</c> (tables not listed start at 1; a table first seen by
    /// its CREATE starts at 1 with that DDL). Each DDL on a table adds one; the checkpoint carries the counters on.
    /// </summary>
    public IReadOnlyDictionary<string, long> SchemaVersions { get; init; } = new Dictionary<string, long>(StringComparer.Ordinal);

    /// <summary>Hot tables spread over several partition keys (<see cref="Transport.PartitionKeys.ForChange"/>), by <c>db.table</c>.</summary>
    public IReadOnlyDictionary<string, int> Spread { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>Serialized changes held in open batches before all of them are published, whatever their fill.</summary>
    public int MaxBufferedBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>The longest a change waits in an open batch while the binlog keeps coming (an idle binlog publishes at once).</summary>
    public TimeSpan MaxBatchDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The shortest time between two checkpoint writes while changes keep coming (an idle binlog checkpoints at once).</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Stop at the end of the binlog (tests, catch-up runs) instead of waiting for new events.</summary>
    public bool StopAtEnd { get; init; }

    public TimeSpan HeartbeatPeriod { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Reconnect attempts in a row (after a dropped connection or a restarting server) before capture fails.</summary>
    public int MaxReconnectAttempts { get; init; } = 60;

    public TimeSpan InitialReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(10);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
