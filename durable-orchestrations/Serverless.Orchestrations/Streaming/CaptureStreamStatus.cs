namespace Serverless.Orchestrations.Streaming;

/// <summary>Capture as the live view shows it (from <see cref="Cdc.Capture.CaptureProgress"/>).</summary>
public sealed record CaptureStreamStatus
{
    public bool Running { get; init; }

    /// <summary>The binlog position of the last event read.</summary>
    public string? Position { get; init; }

    /// <summary>The restart point of the last checkpoint.</summary>
    public string? Checkpoint { get; init; }

    /// <summary>Changes published over all segments of this run.</summary>
    public long ChangesPublished { get; init; }

    public double ChangesPerSecond { get; init; }

    /// <summary>Now minus the last commit read while changes are pending; zero when caught up.</summary>
    public double LagMilliseconds { get; init; }

    public DateTimeOffset? LastCommitTime { get; init; }

    public long BufferedBytes { get; init; }

    public int Reconnects { get; init; }
}
