namespace Serverless.Durable.Replay;

/// <summary>Run the named activity with this input.</summary>
public sealed record ScheduleTaskAction(int Id, string Name, string? Input) : OrchestratorAction(Id);
