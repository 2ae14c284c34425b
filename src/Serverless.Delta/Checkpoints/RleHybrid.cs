namespace Serverless.Delta.Checkpoints;

/// <summary>Parquet's RLE/bit-packing hybrid encoding for levels and dictionary indexes.</summary>
internal static class RleHybrid
{
    public static int BitWidth(int maxValue)
    {
        var w = 0;
        while (maxValue > 0)
        {
            w++;
            maxValue >>= 1;
        }

        return w;
    }

    /// <summary>Decodes exactly <paramref name="count"/> values into <paramref name="output"/>.</summary>
    public static void Decode(ReadOnlySpan<byte> data, int bitWidth, int count, Span<int> output)
    {
        var pos = 0;
        var n = 0;
        var byteWidth = (bitWidth + 7) / 8;
        while (n < count)
        {
            if (pos >= data.Length)
            {
                throw new FormatException($"RLE/bit-packed data ended after {n} of {count} values.");
            }

            ulong header = 0;
            var shift = 0;
            byte b;
            do
            {
                if (pos >= data.Length || shift > 35)
                {
                    throw new FormatException("RLE/bit-packed run header is truncated or too long.");
                }

                b = data[pos++];
                header |= (ulong)(b & 0x7F) << shift;
                shift += 7;
            }
            while ((b & 0x80) != 0);

            if ((header & 1) == 0)
            {
                var run = (int)Math.Min(header >> 1, (ulong)(count - n));
                if (pos + byteWidth > data.Length)
                {
                    throw new FormatException("RLE run value is truncated.");
                }

                var value = 0;
                for (var i = 0; i < byteWidth; i++)
                {
                    value |= data[pos + i] << (8 * i);
                }

                pos += byteWidth;
                output.Slice(n, run).Fill(value);
                n += run;
            }
            else
            {
                var groups = (long)(header >> 1);
                var values = groups * 8;
                var bytes = groups * bitWidth;
                if (pos + bytes > data.Length)
                {
                    // Writers may cut the final bit-packed run short; decode what is there.
                    bytes = data.Length - pos;
                    values = bitWidth == 0 ? values : bytes * 8 / bitWidth;
                }

                long bit = (long)pos * 8;
                for (long i = 0; i < values && n < count; i++)
                {
                    var v = 0;
                    for (var k = 0; k < bitWidth; k++)
                    {
                        var at = bit + k;
                        if ((data[(int)(at >> 3)] >> (int)(at & 7) & 1) != 0)
                        {
                            v |= 1 << k;
                        }
                    }

                    bit += bitWidth;
                    output[n++] = v;
                }

                pos += (int)bytes;
            }
        }
    }

    /// <summary>Encodes values as RLE runs only (valid and compact for the long runs levels have).</summary>
    public static byte[] Encode(ReadOnlySpan<int> values, int bitWidth)
    {
        using var ms = new MemoryStream();
        var byteWidth = (bitWidth + 7) / 8;
        var i = 0;
        while (i < values.Length)
        {
            var j = i + 1;
            while (j < values.Length && values[j] == values[i])
            {
                j++;
            }

            var header = (ulong)(j - i) << 1;
            while (header >= 0x80)
            {
                ms.WriteByte((byte)(header | 0x80));
                header >>= 7;
            }

            ms.WriteByte((byte)header);
            for (var k = 0; k < byteWidth; k++)
            {
                ms.WriteByte((byte)(values[i] >> (8 * k)));
            }

            i = j;
        }

        return ms.ToArray();
    }
}
