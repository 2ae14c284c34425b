namespace Serverless.Orchestrations.Embedded.Tests.Workflows;

/// <summary>Input of <see cref="PipelineOrchestrator"/>: which round (execution) this is and what earlier ones summed.</summary>
public sealed record PipelineInput(int Round, int[] Items, int CarriedTotal);

/// <summary>Output of <see cref="PipelineOrchestrator"/>.</summary>
public sealed record PipelineResult(int Total, int Rounds);
