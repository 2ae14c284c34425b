using System.Text.Json.Serialization;

namespace Serverless.Orchestrations.StartJob;

/// <summary>Where a job run stands, from the orchestration's custom status or the runner's own view.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JobPhase>))]
public enum JobPhase
{
    /// <summary>The runner is loading the spec and starting the runtime.</summary>
    Starting,

    Preflight,

    /// <summary>Reading P0, discovering tables, creating or evolving lake tables.</summary>
    Migrating,

    Planning,

    Snapshotting,

    /// <summary>Every table's snapshot is committed.</summary>
    Completed,

    /// <summary>Preflight found problems; nothing was written.</summary>
    PreflightFailed,

    /// <summary>An activity failed after its retries, or the orchestration failed.</summary>
    Failed,

    /// <summary>The run was cancelled (Ctrl-C); running it again resumes.</summary>
    Cancelled,

    /// <summary>The job spec is invalid.</summary>
    InvalidSpec,

    /// <summary>The snapshot is complete and changes stream into the lake until the run is stopped.</summary>
    Streaming,

    /// <summary>Stopped after every change up to the binlog's end (seen when the snapshot completed) reached the lake (<c>--until-caught-up</c>).</summary>
    CaughtUp,
}
