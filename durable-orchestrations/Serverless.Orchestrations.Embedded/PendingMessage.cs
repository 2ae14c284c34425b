using DurableTask.Core;

namespace Serverless.Orchestrations.Embedded;

/// <summary>A message for an orchestration instance and the name of the file that holds it until an episode consumes it.</summary>
internal sealed record PendingMessage(string Name, TaskMessage Message);
