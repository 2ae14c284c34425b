using System.IO.Compression;

namespace Serverless.Parquet.Encodings;

/// <summary>
/// Compresses page bodies (UNCOMPRESSED, SNAPPY through our own span-to-span codec, GZIP) and decompresses them (those,
/// ZSTD, BROTLI and LZ4_RAW) straight into the caller's buffer.
/// </summary>
internal static class PageCompression
{
    /// <summary>The codecs this reader decodes, as Parquet names them, for error messages.</summary>
    public const string Decodable = "UNCOMPRESSED, SNAPPY, GZIP, ZSTD, BROTLI and LZ4_RAW";

    public static bool CanDecode(ParquetCompression codec) =>
        codec is ParquetCompression.Uncompressed or ParquetCompression.Snappy or ParquetCompression.Gzip
            or ParquetCompression.Zstd or ParquetCompression.Brotli or ParquetCompression.Lz4Raw;

    /// <summary>The codec's name in the Parquet format (parquet.thrift's CompressionCodec), as other tools print it.</summary>
    public static string Name(ParquetCompression codec) => codec switch
    {
        ParquetCompression.Uncompressed => "UNCOMPRESSED",
        ParquetCompression.Snappy => "SNAPPY",
        ParquetCompression.Gzip => "GZIP",
        ParquetCompression.Lzo => "LZO",
        ParquetCompression.Brotli => "BROTLI",
        ParquetCompression.Lz4 => "LZ4",
        ParquetCompression.Zstd => "ZSTD",
        ParquetCompression.Lz4Raw => "LZ4_RAW",
        _ => $"codec {(int)codec}",
    };

    /// <summary>
    /// Why a page of <paramref name="compressed"/> bytes cannot hold the <paramref name="uncompressed"/> bytes its
    /// header claims, or null when it can. Checked before the buffer is rented, so a corrupt header cannot demand
    /// an allocation the file does not justify.
    /// </summary>
    public static string? CheckClaimedSize(ParquetCompression codec, ReadOnlySpan<byte> compressed, int uncompressed)
    {
        // The most each codec can expand: snappy about 21x, deflate about 1032x, LZ4 255x, zstd 32768x (a 4-byte
        // RLE block per 128 KiB). Brotli has no useful bound (a few bytes can describe a 16 MiB run).
        long limit = codec switch
        {
            ParquetCompression.Uncompressed => compressed.Length,
            ParquetCompression.Snappy => (compressed.Length * 24L) + 64,
            ParquetCompression.Lz4Raw => (compressed.Length * (long)Lz4BlockCodec.MaxExpansion) + 64,
            ParquetCompression.Zstd => (compressed.Length * (long)ZstdCodec.MaxExpansion) + 64,
            ParquetCompression.Brotli => int.MaxValue,
            _ => (compressed.Length * 1100L) + 64,
        };
        if (uncompressed > limit)
        {
            return $"page claims {uncompressed} uncompressed bytes from {compressed.Length} {Name(codec)} bytes, more than the codec can produce";
        }

        // Zstd frames say how much they hold: a claim beyond that is corrupt (a smaller one fails while decoding).
        if (codec == ParquetCompression.Zstd && ZstdCodec.DecompressedBound(compressed) is var bound and >= 0 && uncompressed > bound)
        {
            return $"page claims {uncompressed} uncompressed bytes but its ZSTD frames hold at most {bound}";
        }

        return null;
    }

    /// <summary>Compresses <paramref name="input"/> and appends the result to <paramref name="output"/>.</summary>
    public static void Compress(ParquetCompression codec, ReadOnlySpan<byte> input, ByteBuffer output)
    {
        switch (codec)
        {
            case ParquetCompression.Uncompressed:
                output.Write(input);
                break;
            case ParquetCompression.Snappy:
                {
                    var written = SnappyCodec.Compress(input, output.GetSpan(SnappyCodec.MaxCompressedLength(input.Length)));
                    output.Advance(written);
                    break;
                }

            case ParquetCompression.Gzip:
                {
                    using var ms = new MemoryStream();
                    using (var gzip = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
                    {
                        gzip.Write(input);
                    }

                    output.Write(ms.GetBuffer().AsSpan(0, (int)ms.Length));
                    break;
                }

            default:
                throw new NotSupportedException($"Writing {codec} is not supported; use Snappy, Gzip or Uncompressed.");
        }
    }

    /// <summary>Decompresses into exactly <paramref name="output"/>.Length bytes or throws naming the mismatch.</summary>
    public static void Decompress(ParquetCompression codec, ReadOnlySpan<byte> input, Span<byte> output, long fileOffset, string column)
    {
        switch (codec)
        {
            case ParquetCompression.Uncompressed:
                if (input.Length != output.Length)
                {
                    throw new ParquetFormatException(fileOffset, $"column '{column}': uncompressed page holds {input.Length} bytes but its header says {output.Length}");
                }

                input.CopyTo(output);
                return;
            case ParquetCompression.Snappy:
                {
                    Check(SnappyCodec.TryDecompress(input, output), "snappy", fileOffset, column);
                    return;
                }

            case ParquetCompression.Gzip:
                {
                    var total = 0;
                    try
                    {
                        unsafe
                        {
                            fixed (byte* p = input)
                            {
                                using var source = new UnmanagedMemoryStream(p, input.Length);
                                using var gzip = new GZipStream(source, CompressionMode.Decompress);
                                while (total < output.Length)
                                {
                                    var n = gzip.Read(output[total..]);
                                    if (n == 0)
                                    {
                                        break;
                                    }

                                    total += n;
                                }

                                Span<byte> probe = stackalloc byte[1];
                                if (total == output.Length && gzip.Read(probe) > 0)
                                {
                                    total++;
                                }
                            }
                        }
                    }
                    catch (InvalidDataException e)
                    {
                        throw new ParquetFormatException($"Invalid Parquet data at file offset {fileOffset}: column '{column}': corrupt gzip page ({e.Message})", e);
                    }

                    if (total != output.Length)
                    {
                        throw new ParquetFormatException(fileOffset, $"column '{column}': gzip page decompressed to {(total > output.Length ? "more than " : "")}{total} bytes but its header says {output.Length}");
                    }

                    return;
                }

            case ParquetCompression.Zstd:
                Check(ZstdCodec.TryDecompress(input, output), "zstd", fileOffset, column);
                return;
            case ParquetCompression.Lz4Raw:
                Check(Lz4BlockCodec.TryDecompress(input, output), "LZ4_RAW", fileOffset, column);
                return;
            case ParquetCompression.Brotli:
                {
                    var ok = BrotliDecoder.TryDecompress(input, output, out var written);
                    Check(
                        !ok ? $"it is not valid brotli or decompresses to more than the {output.Length} bytes its header says"
                            : written != output.Length ? $"it decompresses to {written} bytes but its header says {output.Length}" : null,
                        "brotli",
                        fileOffset,
                        column);
                    return;
                }

            default:
                throw Unsupported(codec, fileOffset, column);
        }
    }

    /// <summary>The error for a codec this reader does not decode: names it and the ones it does.</summary>
    public static ParquetFormatException Unsupported(ParquetCompression codec, long fileOffset, string column) =>
        new(fileOffset, $"column '{column}' is compressed with {Name(codec)}, which this reader cannot decode; it reads {Decodable}. Re-write the file with one of those (SNAPPY or ZSTD are the usual choices)");

    private static void Check(string? error, string codec, long fileOffset, string column)
    {
        if (error is not null)
        {
            throw new ParquetFormatException(fileOffset, $"column '{column}': corrupt {codec} page ({error})");
        }
    }
}
