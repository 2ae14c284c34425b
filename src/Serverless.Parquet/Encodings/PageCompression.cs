using System.IO.Compression;

namespace Serverless.Parquet.Encodings;

/// <summary>Compresses and decompresses page bodies (UNCOMPRESSED, SNAPPY through our own span-to-span codec, GZIP).</summary>
internal static class PageCompression
{
    public static bool CanDecode(ParquetCompression codec) =>
        codec is ParquetCompression.Uncompressed or ParquetCompression.Snappy or ParquetCompression.Gzip;

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
                    var error = SnappyCodec.TryDecompress(input, output);
                    if (error is not null)
                    {
                        throw new ParquetFormatException(fileOffset, $"column '{column}': corrupt snappy page ({error})");
                    }

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
                throw new ParquetFormatException(fileOffset, $"column '{column}' is compressed with ZSTD, which this reader cannot decode (no zstd library is available here); re-write the file with snappy or gzip compression");
            default:
                throw new ParquetFormatException(fileOffset, $"column '{column}' is compressed with {codec}, which this reader cannot decode; re-write the file with snappy or gzip compression");
        }
    }
}
