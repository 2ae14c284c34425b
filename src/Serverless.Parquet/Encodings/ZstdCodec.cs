using ZstdSharp;

namespace Serverless.Parquet.Encodings;

/// <summary>
/// ZSTD page bodies (one or more zstd frames), decompressed span to span through ZstdSharp. A decompression context
/// holds native state worth reusing, so each thread keeps one; a one-shot decompression into the caller's (pooled)
/// buffer needs no window buffer of its own.
/// </summary>
internal static class ZstdCodec
{
    /// <summary>A zstd block holds at most 128 KiB and takes at least 4 bytes (3-byte header, 1-byte RLE body).</summary>
    public const int MaxExpansion = 32 * 1024;

    [ThreadStatic]
    private static Decompressor? decompressor;

    /// <summary>
    /// The most the frames can decompress to, from their headers (the declared content size, or their blocks' count
    /// when a streamed frame does not declare it); -1 when the headers are malformed.
    /// </summary>
    public static long DecompressedBound(ReadOnlySpan<byte> input)
    {
        try
        {
            var size = Decompressor.GetDecompressedSize(input);
            return size > long.MaxValue ? -1 : (long)size;
        }
        catch (ZstdException)
        {
            return -1;
        }
    }

    /// <summary>
    /// Decompresses into exactly <paramref name="output"/>; returns null on success or why the input is corrupt
    /// (the caller adds the file offset and column).
    /// </summary>
    public static string? TryDecompress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var context = decompressor ??= new Decompressor();
        int written;
        try
        {
            if (!context.TryUnwrap(input, output, out written))
            {
                return $"it decompresses to more than the {output.Length} bytes its header says";
            }
        }
        catch (ZstdException e)
        {
            return e.Message;
        }

        return written == output.Length ? null : $"it decompresses to {written} bytes but its header says {output.Length}";
    }
}
