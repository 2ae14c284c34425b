namespace Serverless.Durable.Runtime;

/// <summary>One activity call waiting for a worker.</summary>
internal sealed record ActivityWorkItem(
    InstanceWorkState Instance,
    int Generation,
    string ExecutionId,
    int TaskId,
    string Name,
    string? Input);
