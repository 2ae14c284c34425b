namespace Serverless.Durable.Replay;

/// <summary>Deliver a TimerFired event at <paramref name="FireAt"/> (UTC).</summary>
public sealed record CreateTimerAction(int Id, DateTime FireAt) : OrchestratorAction(Id);
