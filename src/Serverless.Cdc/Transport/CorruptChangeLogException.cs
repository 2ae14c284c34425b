namespace Serverless.Cdc.Transport;

/// <summary>
/// A record in the middle of a change-log segment fails its length or CRC check (a torn tail after a crash is not this:
/// it is cut off on open). Reading past it could skip changes, so the log stops with the file and offset to inspect.
/// </summary>
public sealed class CorruptChangeLogException : Exception
{
    public CorruptChangeLogException(string filePath, long offset, string problem)
        : base($"Change log segment '{filePath}' is damaged at offset {offset}: {problem}. Records after it cannot be trusted; " +
               "restore the file from a copy, or delete the partition's segments from this one on and re-publish from capture's checkpoint.")
    {
        FilePath = filePath;
        Offset = offset;
    }

    public CorruptChangeLogException()
    {
    }

    public CorruptChangeLogException(string message)
        : base(message)
    {
    }

    public CorruptChangeLogException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public string? FilePath { get; }

    public long Offset { get; }
}
