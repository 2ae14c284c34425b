using System.Text.Json.Serialization;

namespace Serverless.Orchestrations.JobApi;

/// <summary>Where a job's StartJob instance stands, as the job API reports it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JobRunStatus>))]
public enum JobRunStatus
{
    /// <summary>The spec is stored; the job was never started (or its instance was deleted).</summary>
    NotStarted,

    /// <summary>StartJob is scheduled or running.</summary>
    Running,

    /// <summary>Stopped through the API (the instance is suspended); starting it again resumes where it stopped.</summary>
    Stopped,

    /// <summary>Every table's snapshot is in the lake.</summary>
    Completed,

    /// <summary>Preflight found problems (listed with their fixes); nothing was written. Starting it again runs preflight again.</summary>
    PreflightFailed,

    /// <summary>StartJob failed; starting it again starts over and keeps the tables completed before.</summary>
    Failed,

    /// <summary>The instance was terminated outside the API; starting it again starts over.</summary>
    Terminated,
}
