namespace Serverless.Parquet;

/// <summary>
/// A Parquet file (or a part of one) is corrupt, truncated or uses a feature this library cannot decode.
/// The message names the file offset (when known) and the problem.
/// </summary>
public sealed class ParquetFormatException : Exception
{
    public ParquetFormatException()
    {
    }

    public ParquetFormatException(string message)
        : base(message)
    {
    }

    public ParquetFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ParquetFormatException(long fileOffset, string problem)
        : base($"Invalid Parquet data at file offset {fileOffset}: {problem}")
    {
        FileOffset = fileOffset;
    }

    /// <summary>The file offset where the problem was found, or -1 when not tied to one offset.</summary>
    public long FileOffset { get; } = -1;
}
