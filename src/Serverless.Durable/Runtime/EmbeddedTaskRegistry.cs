using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace Serverless.Durable.Runtime;

/// <summary>
/// The orchestrators and activities a runtime can run, by name (case-insensitive, like Durable Functions): the SDK's
/// <see cref="ITaskOrchestrator"/> and <see cref="ITaskActivity"/> (<see cref="TaskOrchestrator{TInput,TOutput}"/>,
/// <see cref="TaskActivity{TInput,TOutput}"/>). Class-based registrations are constructed through the runtime's
/// <see cref="IServiceProvider"/>, so their constructors can take services. (The SDK's DurableTaskRegistry keeps its
/// entries internal to its worker, so this runtime has its own with the same shape.)
/// </summary>
public sealed class EmbeddedTaskRegistry
{
    private readonly Dictionary<string, Func<IServiceProvider, ITaskOrchestrator>> orchestrators = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Func<IServiceProvider, ITaskActivity>> activities = new(StringComparer.OrdinalIgnoreCase);

    public IEnumerable<string> OrchestratorNames => orchestrators.Keys;

    public IEnumerable<string> ActivityNames => activities.Keys;

    /// <summary>Registers an orchestrator class under its type name.</summary>
    public EmbeddedTaskRegistry AddOrchestrator<TOrchestrator>()
        where TOrchestrator : class, ITaskOrchestrator =>
        AddOrchestrator(typeof(TOrchestrator).Name, sp => ActivatorUtilities.CreateInstance<TOrchestrator>(sp));

    /// <summary>Registers an orchestrator under <paramref name="name"/>, built by <paramref name="factory"/> for every replay.</summary>
    public EmbeddedTaskRegistry AddOrchestrator(string name, Func<IServiceProvider, ITaskOrchestrator> factory)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(factory);
        if (!orchestrators.TryAdd(name, factory))
        {
            throw new ArgumentException($"An orchestrator named '{name}' is already registered.", nameof(name));
        }

        return this;
    }

    /// <summary>Registers an orchestrator written as a function.</summary>
    public EmbeddedTaskRegistry AddOrchestratorFunc<TInput, TOutput>(string name, Func<TaskOrchestrationContext, TInput, Task<TOutput>> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return AddOrchestrator(name, _ => new FuncOrchestrator<TInput, TOutput>(run));
    }

    /// <summary>Registers an activity class under its type name.</summary>
    public EmbeddedTaskRegistry AddActivity<TActivity>()
        where TActivity : class, ITaskActivity =>
        AddActivity(typeof(TActivity).Name, sp => ActivatorUtilities.CreateInstance<TActivity>(sp));

    /// <summary>Registers an activity under <paramref name="name"/>, built by <paramref name="factory"/> for every call.</summary>
    public EmbeddedTaskRegistry AddActivity(string name, Func<IServiceProvider, ITaskActivity> factory)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(factory);
        if (!activities.TryAdd(name, factory))
        {
            throw new ArgumentException($"An activity named '{name}' is already registered.", nameof(name));
        }

        return this;
    }

    /// <summary>Registers an activity written as a function.</summary>
    public EmbeddedTaskRegistry AddActivityFunc<TInput, TOutput>(string name, Func<TaskActivityContext, TInput, Task<TOutput>> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return AddActivity(name, _ => new FuncActivity<TInput, TOutput>(run));
    }

    internal bool TryGetOrchestrator(string name, out Func<IServiceProvider, ITaskOrchestrator> factory) =>
        orchestrators.TryGetValue(name, out factory!);

    internal bool TryGetActivity(string name, out Func<IServiceProvider, ITaskActivity> factory) =>
        activities.TryGetValue(name, out factory!);

    private sealed class FuncOrchestrator<TInput, TOutput>(Func<TaskOrchestrationContext, TInput, Task<TOutput>> run)
        : TaskOrchestrator<TInput, TOutput>
    {
        public override Task<TOutput> RunAsync(TaskOrchestrationContext context, TInput input) => run(context, input);
    }

    private sealed class FuncActivity<TInput, TOutput>(Func<TaskActivityContext, TInput, Task<TOutput>> run)
        : TaskActivity<TInput, TOutput>
    {
        public override Task<TOutput> RunAsync(TaskActivityContext context, TInput input) => run(context, input);
    }
}
