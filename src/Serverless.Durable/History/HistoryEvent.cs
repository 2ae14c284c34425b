using System.Text.Json.Serialization;

namespace Serverless.Durable.History;

/// <summary>
/// One entry of an orchestration's append-only history. The set of kinds and their fields follow the
/// durabletask event model (orchestrator_service.proto), so the same replay engine can consume histories
/// from the embedded runtime and from Durable Functions' out-of-process protocol.
/// </summary>
/// <param name="EventId">The sequence number of the orchestrator action that produced this event (task and
/// timer scheduling), or -1 for events that answer or frame an episode.</param>
/// <param name="Timestamp">When the runtime recorded the event (UTC).</param>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(ExecutionStartedEvent), "executionStarted")]
[JsonDerivedType(typeof(ExecutionCompletedEvent), "executionCompleted")]
[JsonDerivedType(typeof(ExecutionTerminatedEvent), "executionTerminated")]
[JsonDerivedType(typeof(ContinueAsNewEvent), "continueAsNew")]
[JsonDerivedType(typeof(OrchestratorStartedEvent), "orchestratorStarted")]
[JsonDerivedType(typeof(OrchestratorCompletedEvent), "orchestratorCompleted")]
[JsonDerivedType(typeof(TaskScheduledEvent), "taskScheduled")]
[JsonDerivedType(typeof(TaskCompletedEvent), "taskCompleted")]
[JsonDerivedType(typeof(TaskFailedEvent), "taskFailed")]
[JsonDerivedType(typeof(TimerCreatedEvent), "timerCreated")]
[JsonDerivedType(typeof(TimerFiredEvent), "timerFired")]
[JsonDerivedType(typeof(EventRaisedEvent), "eventRaised")]
public abstract record HistoryEvent(int EventId, DateTime Timestamp);
