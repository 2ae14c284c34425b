namespace Serverless.Cdc.Verify;

/// <summary>
/// The checksum of a set of rows: how many, and the XOR and the sum of their CRC-32s. Order-free (the source and the lake
/// may return rows in any order); XOR alone would cancel a row present twice, the sum does not.
/// </summary>
public readonly record struct RangeChecksum(long Count, uint Xor, ulong Sum)
{
    public static RangeChecksum Empty => default;

    public RangeChecksum Add(uint rowChecksum) => new(Count + 1, Xor ^ rowChecksum, Sum + rowChecksum);

    public override string ToString() => $"{Count} rows, xor {Xor:x8}, sum {Sum}";
}
