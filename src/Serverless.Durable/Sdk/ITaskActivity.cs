namespace Serverless.Durable.Sdk;

/// <summary>Untyped view of an activity the runtimes call. Implement <see cref="TaskActivity{TInput,TOutput}"/> instead.</summary>
public interface ITaskActivity
{
    /// <summary>The type the JSON input is deserialized to.</summary>
    Type InputType { get; }

    /// <summary>The declared output type, used to serialize the result.</summary>
    Type OutputType { get; }

    /// <summary>Does the work.</summary>
    Task<object?> RunAsync(TaskActivityContext context, object? input);
}
