using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Serverless.Orchestrations.Embedded;

/// <summary>Settings of <see cref="EmbeddedTaskHub"/>.</summary>
public sealed class EmbeddedTaskHubOptions
{
    /// <summary>Folder of the hub's state (history, queues, timers); one process at a time.</summary>
    public required string StateFolder { get; init; }

    /// <summary>The orchestrators and activities the worker runs.</summary>
    public required Action<DurableTaskRegistry> Tasks { get; init; }

    /// <summary>Services the orchestrators and activities take in their constructors.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }

    public FileOrchestrationServiceOptions Service { get; init; } = new();

    /// <summary>Logs of the hub, the gRPC server and the worker; none when not set.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}
