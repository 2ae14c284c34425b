namespace Serverless.Durable.History;

/// <summary>Runtime status of an orchestration instance (the durabletask status set, less suspension).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<OrchestrationStatus>))]
public enum OrchestrationStatus
{
    /// <summary>Created; the orchestrator has not run yet.</summary>
    Pending,

    /// <summary>The orchestrator has run at least one episode and has not finished.</summary>
    Running,

    /// <summary>The orchestrator returned.</summary>
    Completed,

    /// <summary>The execution restarted itself with new input (transient; the new execution is Pending or Running).</summary>
    ContinuedAsNew,

    /// <summary>The orchestrator threw, or replay found it non-deterministic.</summary>
    Failed,

    /// <summary>A client terminated the instance.</summary>
    Terminated,
}
