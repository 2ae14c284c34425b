using Serverless.Orchestrations.Activities;

namespace Serverless.Cdc.IntegrationTests.EndToEnd;

/// <summary>
/// Paces StartJob's chunk reads by the kill count, so kills land during the snapshot whatever the machine's speed: the
/// n-th chunk read starts only once <c>n / ChunksPerKill</c> kills (at most <see cref="KillsDuringSnapshot"/>) have happened.
/// </summary>
internal sealed class KillPacedChunkReads(int killsDuringSnapshot, int chunksPerKill) : IChunkReadObserver
{
    private int kills;
    private int reads;

    public int KillsDuringSnapshot => killsDuringSnapshot;

    public int Kills => Volatile.Read(ref kills);

    public void Killed() => Interlocked.Increment(ref kills);

    public async ValueTask OnChunkReadStartingAsync(ReadChunkInput chunk, CancellationToken cancellationToken)
    {
        var needed = Math.Min(Interlocked.Increment(ref reads) / chunksPerKill, killsDuringSnapshot);
        while (Kills < needed)
        {
            await Task.Delay(20, cancellationToken);
        }
    }
}
