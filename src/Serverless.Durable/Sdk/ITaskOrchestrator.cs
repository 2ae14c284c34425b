namespace Serverless.Durable.Sdk;

/// <summary>
/// Untyped view of an orchestrator the runtimes call. Implement <see cref="TaskOrchestrator{TInput,TOutput}"/>
/// instead of this directly.
/// </summary>
public interface ITaskOrchestrator
{
    /// <summary>The type the JSON input is deserialized to.</summary>
    Type InputType { get; }

    /// <summary>The declared output type, used to serialize the result.</summary>
    Type OutputType { get; }

    /// <summary>Runs the orchestrator's code. Called once per replay on the replay engine's logical thread.</summary>
    Task<object?> RunAsync(TaskOrchestrationContext context, object? input);
}
