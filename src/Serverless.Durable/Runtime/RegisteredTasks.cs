using Microsoft.DurableTask;

namespace Serverless.Durable.Runtime;

/// <summary>
/// The orchestrators and activities of an SDK <see cref="DurableTaskRegistry"/> by name (case-insensitive, like
/// Durable Functions), read once when the runtime is built: the same registration code (<c>AddOrchestrator&lt;T&gt;</c>,
/// <c>AddActivity&lt;T&gt;</c>, factories with constructor injection) serves this runtime, the SDK's worker and
/// InProcessTestHost. Versioned registrations (one name, several versions) are not supported here.
/// </summary>
internal sealed class RegisteredTasks
{
    private readonly Dictionary<string, Func<IServiceProvider, ITaskOrchestrator>> orchestrators = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Func<IServiceProvider, ITaskActivity>> activities = new(StringComparer.OrdinalIgnoreCase);

    public RegisteredTasks(DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        foreach (var (name, factory) in registry.GetOrchestrators())
        {
            Add(orchestrators, name, factory, "orchestrator");
        }

        foreach (var (name, factory) in registry.GetActivities())
        {
            Add(activities, name, factory, "activity");
        }
    }

    public IEnumerable<string> OrchestratorNames => orchestrators.Keys;

    public IEnumerable<string> ActivityNames => activities.Keys;

    public bool TryGetOrchestrator(string name, out Func<IServiceProvider, ITaskOrchestrator> factory) =>
        orchestrators.TryGetValue(name, out factory!);

    public bool TryGetActivity(string name, out Func<IServiceProvider, ITaskActivity> factory) =>
        activities.TryGetValue(name, out factory!);

    private static void Add<T>(Dictionary<string, T> byName, TaskName name, T factory, string kind)
    {
        if (!byName.TryAdd(name.Name, factory))
        {
            throw new NotSupportedException(
                $"The {kind} '{name.Name}' is registered more than once (versions); the embedded runtime runs one registration per name. Register one version.");
        }
    }
}
