namespace Serverless.Orchestrations.Activities;

/// <summary>
/// Told when a ReadChunk activity starts reading (after its inputs are checked, before the source is queried), and when a
/// re-snapshot of a table while the stream runs starts reading one of its chunks.
/// Hosts use it for metrics; tests count chunk reads and slow them down. Exceptions fail the attempt.
/// </summary>
public interface IChunkReadObserver
{
    ValueTask OnChunkReadStartingAsync(ReadChunkInput chunk, CancellationToken cancellationToken);
}
