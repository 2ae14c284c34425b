using Serverless.MySql.Replication;

namespace Serverless.Cdc.Capture;

/// <summary>
/// A snapshot of a running capture for hosts to show: rates, where it reads, how far behind the source it is, what it
/// holds in memory and what it has checkpointed.
/// </summary>
public sealed record CaptureProgress
{
    /// <summary>Change events published since this run started.</summary>
    public long ChangesPublished { get; init; }

    /// <summary>Change events per second over the last measured interval (about a second).</summary>
    public double ChangesPerSecond { get; init; }

    public long TransactionsSeen { get; init; }

    public long BatchesPublished { get; init; }

    /// <summary>The binlog position of the last event handled.</summary>
    public BinlogPosition Position { get; init; }

    /// <summary>The source generation of <see cref="Position"/>: how many failovers capture has followed.</summary>
    public long SourceGeneration { get; init; }

    /// <summary>Commit time of the last transaction handled (source clock).</summary>
    public DateTimeOffset? LastCommitTime { get; init; }

    /// <summary>Now minus <see cref="LastCommitTime"/> while changes are pending; zero when capture has caught up and is idle.</summary>
    public TimeSpan Lag { get; init; }

    /// <summary>Serialized changes in open batches right now, and the most there ever were in this run.</summary>
    public long BufferedBytes { get; init; }

    public long PeakBufferedBytes { get; init; }

    /// <summary>The resume point of the last checkpoint written, and how many have been written in this run.</summary>
    public string? Checkpoint { get; init; }

    public int CheckpointsWritten { get; init; }

    /// <summary>Reconnects of the binlog stream (dropped connections, server restarts).</summary>
    public int Reconnects { get; init; }

    /// <summary>True once the run has claimed the job and connected; false after it stopped.</summary>
    public bool Running { get; init; }

    /// <summary>Resume by GTID on another server than the checkpoint's (a failover).</summary>
    public bool ResumedByGtid { get; init; }
}
