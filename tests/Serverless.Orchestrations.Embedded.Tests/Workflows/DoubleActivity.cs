using Microsoft.DurableTask;

namespace Serverless.Orchestrations.Embedded.Tests.Workflows;

/// <summary>Doubles its input; the first attempt for <see cref="FlakyInput"/> fails, so the retry policy has work.</summary>
public sealed class DoubleActivity(AttemptLog attempts) : TaskActivity<int, int>
{
    public const int FlakyInput = 3;

    public override Task<int> RunAsync(TaskActivityContext context, int input)
    {
        var attempt = attempts.Record(input);
        if (input == FlakyInput && attempt == 1)
        {
            throw new InvalidOperationException($"Transient failure of input {input} on attempt {attempt}.");
        }

        return Task.FromResult(input * 2);
    }
}
