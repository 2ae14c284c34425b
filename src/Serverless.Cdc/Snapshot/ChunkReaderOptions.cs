using Serverless.Cdc.Jobs;
using Serverless.Cdc.Preflight;
using Serverless.Parquet;

namespace Serverless.Cdc.Snapshot;

/// <summary>Settings of a <see cref="ChunkReader"/>.</summary>
public sealed record ChunkReaderOptions
{
    /// <summary>A file is closed and a new one started once this many bytes are written (it may exceed it by one row group).</summary>
    public long TargetFileBytes { get; init; } = 128L * 1024 * 1024;

    /// <summary>Largest row group buffered in memory; bounds the reader's memory together with <see cref="BatchRows"/>.</summary>
    public long RowGroupBytes { get; init; } = 32L * 1024 * 1024;

    /// <summary>Rows converted before they are handed to the Parquet writer.</summary>
    public int BatchRows { get; init; } = 4096;

    public ParquetCompression Compression { get; init; } = ParquetCompression.Snappy;

    public TypeMappingOptions Types { get; init; } = new();

    /// <summary>
    /// The source generation Lc belongs to (<see cref="Capture.SourcePosition"/>): 0 for the job's first snapshot; a table
    /// snapshotted again after a failover takes capture's current one, so its chunks order with the stream's changes.
    /// </summary>
    public long SourceGeneration { get; init; }

    /// <summary>
    /// Reads rows through a prepared statement (binary protocol: integers and temporals as fixed bytes, cheaper for the
    /// server and for the reader than their text) when every column's binary form gives the mapped value; false reads
    /// as a plain query (text protocol). Both give byte-identical files.
    /// </summary>
    public bool BinaryProtocol { get; init; } = true;

    /// <summary>How Lc is taken (preflight says which one the source supports).</summary>
    public SnapshotPositionMethod PositionMethod { get; init; } = SnapshotPositionMethod.ConsistentSnapshotStatus;
}
