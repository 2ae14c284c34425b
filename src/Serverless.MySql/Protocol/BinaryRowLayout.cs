using System.Runtime.CompilerServices;

namespace Serverless.MySql.Protocol;

/// <summary>
/// How a binary-protocol result row frames its fields: a 0x00 header, a NULL bitmap whose first two bits are reserved,
/// then each non-NULL field either fixed-width (integers, floating point numbers) or after a length (one byte for
/// temporals and short values, a length-encoded integer from 251 bytes on). Shared by the reader's field split and by
/// decoders that walk rows themselves, so both frame a row the same way.
/// </summary>
public static class BinaryRowLayout
{
    /// <summary>Where the first field of a row of <paramref name="columnCount"/> columns starts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int FieldsStart(int columnCount) => 1 + ((columnCount + 9) >> 3);

    /// <summary>Whether the NULL bitmap marks column <paramref name="column"/> NULL.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsNull(ReadOnlySpan<byte> row, int column)
    {
        var bit = column + 2;
        return (row[1 + (bit >> 3)] & (1 << (bit & 7))) != 0;
    }

    /// <summary>
    /// Frames the non-NULL field at <paramref name="pos"/> whose fixed width is <paramref name="fixedSize"/> (see
    /// <see cref="BinaryValueParser.FieldSize"/>; 0 for a one-byte length, negative for a length-encoded one); false when
    /// its length cannot be read. The field's end is not checked against the row: callers do, as they need.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryFrameField(ReadOnlySpan<byte> row, int pos, int fixedSize, out int start, out int length)
    {
        if (fixedSize > 0)
        {
            start = pos;
            length = fixedSize;
            return true;
        }

        if ((uint)pos >= (uint)row.Length)
        {
            start = length = 0;
            return false;
        }

        if (fixedSize == 0 || row[pos] < 0xFB)
        {
            start = pos + 1;
            length = row[pos];
            return true;
        }

        return TryFrameLongField(row, pos, out start, out length);
    }

    private static bool TryFrameLongField(ReadOnlySpan<byte> row, int pos, out int start, out int length)
    {
        var consumed = LengthEncoding.ReadInteger(row[pos..], out var longLength);
        if (consumed <= 0 || longLength > int.MaxValue)
        {
            start = length = 0;
            return false;
        }

        start = pos + consumed;
        length = (int)longLength;
        return true;
    }
}
