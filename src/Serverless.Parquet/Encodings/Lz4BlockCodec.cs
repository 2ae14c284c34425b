using System.Runtime.CompilerServices;

namespace Serverless.Parquet.Encodings;

/// <summary>
/// The LZ4 block format (Parquet's LZ4_RAW: one block, no frame), decoded span to span. Every length and offset is
/// checked against the input and the output, so a corrupt page is an error and never a read outside either span.
/// </summary>
internal static class Lz4BlockCodec
{
    private const int MinMatch = 4;

    /// <summary>The most one input byte can expand to: a run of 255-valued length bytes adds 255 output bytes each.</summary>
    public const int MaxExpansion = 255;

    /// <summary>
    /// Decompresses into exactly <paramref name="output"/>; returns null on success or why the input is corrupt
    /// (the caller adds the file offset and column).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string? TryDecompress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var s = 0;
        var d = 0;
        while (true)
        {
            if (s >= input.Length)
            {
                return input.Length == 0 && output.Length == 0 ? null : "the block ends before its last sequence";
            }

            var token = input[s++];
            var literals = token >> 4;
            if (literals == 15 && !TryReadLength(input, ref s, ref literals))
            {
                return "a literal length runs past the end of the block";
            }

            if (literals > input.Length - s)
            {
                return $"{literals} literal bytes run past the end of the block";
            }

            if (literals > output.Length - d)
            {
                return $"the block decompresses to more than the {output.Length} bytes its header says";
            }

            input.Slice(s, literals).CopyTo(output[d..]);
            s += literals;
            d += literals;
            if (s == input.Length)
            {
                // The last sequence holds literals only.
                return d == output.Length ? null : $"the block decompresses to {d} bytes but its header says {output.Length}";
            }

            if (input.Length - s < 2)
            {
                return "a match offset runs past the end of the block";
            }

            var offset = input[s] | (input[s + 1] << 8);
            s += 2;
            if (offset == 0 || offset > d)
            {
                return $"match offset {offset} does not point into the {d} bytes written so far";
            }

            var length = token & 0xF;
            if (length == 15 && !TryReadLength(input, ref s, ref length))
            {
                return "a match length runs past the end of the block";
            }

            length += MinMatch;
            if (length > output.Length - d)
            {
                return $"the block decompresses to more than the {output.Length} bytes its header says";
            }

            if (offset >= length)
            {
                output.Slice(d - offset, length).CopyTo(output[d..]);
            }
            else
            {
                // An overlapping match repeats the last `offset` bytes: copy forwards one byte at a time.
                for (var i = 0; i < length; i++)
                {
                    output[d + i] = output[d - offset + i];
                }
            }

            d += length;
        }
    }

    /// <summary>Adds the 255-continued length bytes that follow a nibble of 15; false when they run past the input.</summary>
    private static bool TryReadLength(ReadOnlySpan<byte> input, ref int s, ref int length)
    {
        while (s < input.Length)
        {
            var b = input[s++];
            length += b;
            if (length < 0)
            {
                return false;
            }

            if (b != 255)
            {
                return true;
            }
        }

        return false;
    }
}
