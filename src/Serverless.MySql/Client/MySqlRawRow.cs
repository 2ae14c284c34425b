namespace Serverless.MySql.Client;

/// <summary>
/// The current row of a <see cref="MySqlResultReader"/> as field byte ranges, for decoders that visit every field of
/// millions of rows: one row-state check when taken, then only span bounds checks per field. Valid until the reader
/// moves on.
/// </summary>
public readonly ref struct MySqlRawRow
{
    private readonly ReadOnlySpan<byte> payload;
    private readonly ReadOnlySpan<int> starts;
    private readonly ReadOnlySpan<int> lengths;

    internal MySqlRawRow(ReadOnlySpan<byte> payload, ReadOnlySpan<int> starts, ReadOnlySpan<int> lengths)
    {
        this.payload = payload;
        this.starts = starts;
        this.lengths = lengths;
    }

    public int FieldCount => lengths.Length;

    public bool IsNull(int ordinal) => lengths[ordinal] < 0;

    /// <summary>The field's bytes as sent; empty for NULL (check <see cref="IsNull"/> to tell NULL from '').</summary>
    public ReadOnlySpan<byte> this[int ordinal]
    {
        get
        {
            var length = lengths[ordinal];
            return length < 0 ? default : payload.Slice(starts[ordinal], length);
        }
    }
}
