namespace Serverless.Delta.DeletionVectors;

/// <summary>
/// Z85 (ZeroMQ RFC 32) base-85 text: 4 bytes, big-endian, become 5 characters. Delta uses it for inline
/// deletion vectors (padded to a multiple of 4 bytes, the real length kept in sizeInBytes) and for the UUID
/// in 'u' DV paths (16 bytes → 20 characters).
/// </summary>
public static class Z85
{
    private const string Alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
    private static readonly sbyte[] Decoder = BuildDecoder();

    /// <summary>Encodes <paramref name="data"/>; a length that is not a multiple of 4 is zero-padded (Delta's inline convention).</summary>
    public static string Encode(ReadOnlySpan<byte> data)
    {
        var blocks = (data.Length + 3) / 4;
        return string.Create(blocks * 5, data.ToArray(), static (chars, bytes) =>
        {
            for (var b = 0; b < chars.Length / 5; b++)
            {
                uint value = 0;
                for (var i = 0; i < 4; i++)
                {
                    var idx = (b * 4) + i;
                    value = (value << 8) | (idx < bytes.Length ? bytes[idx] : 0u);
                }

                for (var i = 4; i >= 0; i--)
                {
                    chars[(b * 5) + i] = Alphabet[(int)(value % 85)];
                    value /= 85;
                }
            }
        });
    }

    /// <summary>Decodes Z85 text; <paramref name="length"/> trims the zero padding (defaults to the full decoded length).</summary>
    public static byte[] Decode(ReadOnlySpan<char> text, int? length = null)
    {
        if (text.Length % 5 != 0)
        {
            throw new FormatException($"Z85 text must have a length that is a multiple of 5; got {text.Length} characters.");
        }

        var full = text.Length / 5 * 4;
        var outLength = length ?? full;
        if (outLength < 0 || outLength > full || full - outLength > 3)
        {
            throw new FormatException($"Z85 text of {text.Length} characters decodes to {full} bytes, which cannot hold {outLength} bytes plus at most 3 bytes of padding.");
        }

        var result = new byte[full];
        for (var b = 0; b < text.Length / 5; b++)
        {
            ulong value = 0;
            for (var i = 0; i < 5; i++)
            {
                var c = text[(b * 5) + i];
                var d = c < 128 ? Decoder[c] : (sbyte)-1;
                if (d < 0)
                {
                    throw new FormatException($"Character '{c}' at position {(b * 5) + i} is not in the Z85 alphabet.");
                }

                value = (value * 85) + (ulong)d;
            }

            if (value > uint.MaxValue)
            {
                throw new FormatException($"Z85 block at position {b * 5} encodes a value above 2^32.");
            }

            result[(b * 4) + 0] = (byte)(value >> 24);
            result[(b * 4) + 1] = (byte)(value >> 16);
            result[(b * 4) + 2] = (byte)(value >> 8);
            result[(b * 4) + 3] = (byte)value;
        }

        return outLength == full ? result : result.AsSpan(0, outLength).ToArray();
    }

    /// <summary>A UUID as Delta encodes it in 'u' DV paths: its 16 bytes in canonical (big-endian) order, 20 characters.</summary>
    public static string EncodeUuid(Guid id) => Encode(id.ToByteArray(bigEndian: true));

    public static Guid DecodeUuid(ReadOnlySpan<char> text)
    {
        if (text.Length != 20)
        {
            throw new FormatException($"A Z85 UUID has 20 characters; got {text.Length}.");
        }

        return new Guid(Decode(text), bigEndian: true);
    }

    private static sbyte[] BuildDecoder()
    {
        var table = new sbyte[128];
        Array.Fill(table, (sbyte)-1);
        for (var i = 0; i < Alphabet.Length; i++)
        {
            table[Alphabet[i]] = (sbyte)i;
        }

        return table;
    }
}
