using Serverless.Delta.Actions;

namespace Serverless.Delta.Log;

/// <summary>Reads and writes checkpoint files (classic Parquet checkpoints).</summary>
public interface ICheckpointFormat
{
    /// <summary>The actions stored in one checkpoint part.</summary>
    Task<IReadOnlyList<DeltaAction>> ReadAsync(TableLocation table, string storePath, CancellationToken cancellationToken);

    /// <summary>Writes a single-part checkpoint of <paramref name="snapshot"/> and returns its _last_checkpoint record.</summary>
    Task<LastCheckpoint> WriteAsync(Snapshot snapshot, CancellationToken cancellationToken);
}
