namespace Serverless.Cdc.Verify;

/// <summary>What one lake scan found per range: checksums, the first key column's extent (integer keys), and collected rows.</summary>
internal sealed class LakeScanResult(int ranges)
{
    public RangeChecksum[] Checksums { get; } = new RangeChecksum[ranges];

    public Int128?[] LeadingMin { get; } = new Int128?[ranges];

    public Int128?[] LeadingMax { get; } = new Int128?[ranges];

    /// <summary>The canonical fields of each row, for the ranges asked to collect them (null for the others).</summary>
    public List<string?[]>?[] Rows { get; } = new List<string?[]>?[ranges];

    /// <summary>Live rows read, in any range or none.</summary>
    public long Total { get; set; }
}
