using System.Collections.Concurrent;

namespace Serverless.Orchestrations.Embedded.Tests.Workflows;

/// <summary>Counts how often each activity input was attempted, so tests can see retries happen.</summary>
public sealed class AttemptLog
{
    readonly ConcurrentDictionary<int, int> attempts = new();

    public int Record(int input) => this.attempts.AddOrUpdate(input, 1, (_, n) => n + 1);

    public int AttemptsOf(int input) => this.attempts.GetValueOrDefault(input);
}
