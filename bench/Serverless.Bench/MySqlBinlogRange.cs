namespace Serverless.Bench;

/// <summary>A byte range of one closed binlog file: [<see cref="Start"/>, <see cref="End"/>), both event boundaries.</summary>
public sealed record MySqlBinlogRange(string FileName, long Start, long End)
{
    public long Bytes => End - Start;
}
