using System.Text.Json.Serialization;

namespace Serverless.Durable.Replay;

/// <summary>
/// Something the orchestrator asked the runtime to do in an episode (durabletask's OrchestratorAction).
/// The runtime records each as a history event with <see cref="Id"/> as its EventId before acting on it.
/// </summary>
/// <param name="Id">The action's sequence number within the execution.</param>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(ScheduleTaskAction), "scheduleTask")]
[JsonDerivedType(typeof(CreateTimerAction), "createTimer")]
[JsonDerivedType(typeof(CompleteOrchestrationAction), "completeOrchestration")]
public abstract record OrchestratorAction(int Id);
