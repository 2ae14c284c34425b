using Serverless.Orchestrations.Activities;

namespace Serverless.Orchestrations.IntegrationTests;

/// <summary>
/// Appends "read {chunk id}" to a file each time a ReadChunk activity starts (in this process or a child), so a test
/// can count how often every chunk was read across a kill and a resume. Optionally slows each read down, and holds
/// every read after the first <c>holdAfterReads</c> of this process until it is cancelled, so that a stop or a kill
/// lands mid-snapshot however fast or slow the machine is.
/// </summary>
public sealed class ChunkReadLedger(string path, TimeSpan delay, int holdAfterReads = int.MaxValue) : IChunkReadObserver
{
    private static readonly Lock Gate = new();
    private int started;

    public async ValueTask OnChunkReadStartingAsync(ReadChunkInput chunk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        lock (Gate)
        {
            File.AppendAllText(path, "read " + chunk.Chunk.Id + "\n");
        }

        if (Interlocked.Increment(ref started) > holdAfterReads)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }

        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>How many times each chunk id was read.</summary>
    public static IReadOnlyDictionary<string, int> ReadCounts(string path) =>
        File.ReadAllLines(path)
            .Where(l => l.StartsWith("read ", StringComparison.Ordinal))
            .GroupBy(l => l[5..], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
}
