using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Serverless.Parquet;
using Serverless.Parquet.Encodings;
using Serverless.Parquet.Format;
using Serverless.Parquet.Thrift;

namespace Serverless.Delta.Checkpoints;

/// <summary>
/// Reads every leaf column of a (possibly nested) Parquet file: dictionary and data pages (v1 and v2); PLAIN,
/// dictionary, RLE boolean, DELTA_BINARY_PACKED and DELTA_LENGTH_BYTE_ARRAY values; repetition and definition levels.
/// Footer, page headers, the RLE/bit-packed and delta decoders and decompression are Serverless.Parquet's; assembling
/// nested levels into generic values is ours. Enough for Delta checkpoints written by Spark, delta-rs, DuckDB and this library.
/// </summary>
internal sealed class NestedParquetReader : IDisposable
{
    /// <summary>A page's values per level entry are bounded so a corrupt header cannot demand an unbounded allocation.</summary>
    private const int MaxValuesPerPage = 1 << 27;

    private static readonly object True = true;
    private static readonly object False = false;

    private readonly byte[] file;
    private readonly string source;
    private readonly RleBitPackedDecoder hybrid = new();
    private byte[] page = [];
    private int[] indexes = [];
    private long[] numbers = [];
    private object?[] decoded = [];

    private NestedParquetReader(byte[] file, string source)
    {
        this.file = file;
        this.source = source;
    }

    public static (ParquetNode Root, Dictionary<string, LeafColumn> Leaves, long Rows) Read(byte[] file, string source)
    {
        using var reader = new NestedParquetReader(file, source);
        try
        {
            return reader.ReadFile();
        }
        catch (ParquetFormatException e)
        {
            throw new FormatException($"{source}: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        if (page.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(page);
            page = [];
        }

        if (indexes.Length > 0)
        {
            ArrayPool<int>.Shared.Return(indexes);
            indexes = [];
        }

        if (numbers.Length > 0)
        {
            ArrayPool<long>.Shared.Return(numbers);
            numbers = [];
        }

        if (decoded.Length > 0)
        {
            ArrayPool<object?>.Shared.Return(decoded);
            decoded = [];
        }
    }

    private (ParquetNode Root, Dictionary<string, LeafColumn> Leaves, long Rows) ReadFile()
    {
        if (file.Length < 12 || !file.AsSpan(0, 4).SequenceEqual("PAR1"u8) || !file.AsSpan(file.Length - 4).SequenceEqual("PAR1"u8))
        {
            throw new FormatException($"{source} is not a Parquet file (missing PAR1 magic).");
        }

        var footerLength = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(file.Length - 8));
        if (footerLength <= 0 || footerLength > file.Length - 12)
        {
            throw new FormatException($"{source} declares a footer of {footerLength} bytes in a {file.Length}-byte file.");
        }

        var footerStart = file.Length - 8 - footerLength;
        var meta = FileMetaData.Read(file.AsSpan(footerStart, footerLength), footerStart);
        var root = ParquetNode.FromSchema(meta.Schema, source);
        var leaves = root.LeafList;
        var columns = leaves.Select(l => new LeafColumn(l)).ToArray();
        long rows = 0;
        foreach (var group in meta.RowGroups)
        {
            rows += group.NumRows;
            if (group.Columns.Count != leaves.Count)
            {
                throw new FormatException($"{source}: a row group has {group.Columns.Count} column chunks for {leaves.Count} leaf columns.");
            }

            for (var c = 0; c < leaves.Count; c++)
            {
                var chunk = group.Columns[c];
                if (!chunk.HasMetaData)
                {
                    throw new FormatException($"{source}: column chunk {c} ('{leaves[c].Path}') has no metadata.");
                }

                ReadChunk(chunk, columns[c]);
            }
        }

        var result = new Dictionary<string, LeafColumn>(StringComparer.Ordinal);
        foreach (var column in columns)
        {
            column.Complete();
            result[column.Node.Path] = column;
        }

        return (root, result, rows);
    }

    private void ReadChunk(ColumnMetaData chunk, LeafColumn column)
    {
        var leaf = column.Node;
        var start = chunk.DataPageOffset;
        if (chunk.DictionaryPageOffset is { } dict && dict > 0 && dict < start)
        {
            start = dict;
        }

        var size = chunk.TotalCompressedSize;
        if (start < 4 || size < 0 || start + size > file.Length - 8)
        {
            throw new FormatException($"{source}: column '{leaf.Path}' chunk [{start}, {start + size}) lies outside the file's data.");
        }

        var pos = (int)start;
        var end = (int)(start + size);
        object?[]? dictionary = null;
        long seen = 0;
        while (seen < chunk.NumValues && pos < end)
        {
            var thrift = new CompactReader(file.AsSpan(pos, end - pos), pos);
            var header = PageHeader.Read(ref thrift);
            var body = pos + thrift.Position;
            if (header.CompressedPageSize > end - body)
            {
                throw new FormatException($"{source}: a page of column '{leaf.Path}' at file offset {pos} runs past its column chunk.");
            }

            pos = body + header.CompressedPageSize;
            if (header.Type is PageType.DataPage or PageType.DataPageV2
                && (header.NumValues < 0 || header.NumValues > chunk.NumValues - seen || header.NumValues > MaxValuesPerPage))
            {
                throw new FormatException($"{source}: a page of column '{leaf.Path}' at file offset {body} holds {header.NumValues} values where the chunk has {chunk.NumValues - seen} left.");
            }

            switch (header.Type)
            {
                case PageType.DictionaryPage:
                    dictionary = ReadDictionary(header, body, chunk.Codec, leaf);
                    break;
                case PageType.DataPage:
                    ReadDataPage(header, body, chunk.Codec, column, dictionary);
                    seen += header.NumValues;
                    break;
                case PageType.DataPageV2:
                    ReadDataPageV2(header, body, chunk.Codec, column, dictionary);
                    seen += header.NumValues;
                    break;
                default:
                    // Index pages and unknown page kinds carry no values.
                    break;
            }
        }

        if (seen != chunk.NumValues)
        {
            throw new FormatException($"{source}: column '{leaf.Path}' chunk ends after {seen} of its {chunk.NumValues} values.");
        }
    }

    private object?[] ReadDictionary(PageHeader header, int body, ParquetCompression codec, ParquetNode leaf)
    {
        var (data, start, end) = PageBytes(body, header.CompressedPageSize, header.UncompressedPageSize, codec, leaf);
        if (header.NumValues < 0 || header.NumValues > (long)(end - start) * 8)
        {
            throw new FormatException($"{source}: the dictionary of column '{leaf.Path}' at file offset {body} claims {header.NumValues} values in {end - start} bytes.");
        }

        var dictionary = new object?[header.NumValues];
        var p = start;
        for (var i = 0; i < dictionary.Length; i++)
        {
            dictionary[i] = ReadPlain(data, ref p, end, i, leaf, body);
        }

        return dictionary;
    }

    private void ReadDataPage(PageHeader header, int body, ParquetCompression codec, LeafColumn column, object?[]? dictionary)
    {
        var leaf = column.Node;
        var (data, p, end) = PageBytes(body, header.CompressedPageSize, header.UncompressedPageSize, codec, leaf);
        var n = header.NumValues;
        var first = column.Append(n);
        p = ReadPrefixedLevels(data, p, end, leaf.RepetitionLevel, column.Repetition(first, n), body, leaf);
        p = ReadPrefixedLevels(data, p, end, leaf.DefinitionLevel, column.Definition(first, n), body, leaf);
        DecodeValues(header.Encoding, data, p, end, leaf, column.Definition(first, n), column.ValuesOf(first, n), dictionary, body);
    }

    private void ReadDataPageV2(PageHeader header, int body, ParquetCompression codec, LeafColumn column, object?[]? dictionary)
    {
        var leaf = column.Node;
        var repLength = header.RepetitionLevelsByteLength;
        var defLength = header.DefinitionLevelsByteLength;
        if (repLength < 0 || defLength < 0 || (long)repLength + defLength > header.CompressedPageSize || (long)repLength + defLength > header.UncompressedPageSize)
        {
            throw new FormatException($"{source}: DATA_PAGE_V2 of column '{leaf.Path}' at file offset {body} has level lengths ({repLength}, {defLength}) beyond its page.");
        }

        var n = header.NumValues;
        var first = column.Append(n);
        ReadLevels(file, body, body + repLength, leaf.RepetitionLevel, column.Repetition(first, n), body, leaf);
        ReadLevels(file, body + repLength, body + repLength + defLength, leaf.DefinitionLevel, column.Definition(first, n), body, leaf);
        var valuesStart = body + repLength + defLength;
        var (data, start, end) = PageBytes(
            valuesStart,
            header.CompressedPageSize - repLength - defLength,
            header.UncompressedPageSize - repLength - defLength,
            header.IsCompressed ? codec : ParquetCompression.Uncompressed,
            leaf);
        DecodeValues(header.Encoding, data, start, end, leaf, column.Definition(first, n), column.ValuesOf(first, n), dictionary, valuesStart);
    }

    /// <summary>The page's bytes after decompression: the file itself when stored uncompressed, else a pooled scratch.</summary>
    private (byte[] Data, int Start, int End) PageBytes(int body, int compressedSize, int uncompressedSize, ParquetCompression codec, ParquetNode leaf)
    {
        if (codec == ParquetCompression.Uncompressed)
        {
            if (compressedSize != uncompressedSize)
            {
                throw new FormatException($"{source}: an uncompressed page of column '{leaf.Path}' at file offset {body} holds {compressedSize} bytes but its header says {uncompressedSize}.");
            }

            return (file, body, body + compressedSize);
        }

        // A claim beyond what the codec can produce is corrupt, not a reason to allocate; an unknown codec is named here.
        if (!PageCompression.CanDecode(codec))
        {
            throw PageCompression.Unsupported(codec, body, leaf.Path);
        }

        if (PageCompression.CheckClaimedSize(codec, file.AsSpan(body, compressedSize), uncompressedSize) is { } problem)
        {
            throw new FormatException($"{source}: column '{leaf.Path}' at file offset {body}: {problem}.");
        }

        if (page.Length < uncompressedSize)
        {
            if (page.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(page);
            }

            page = ArrayPool<byte>.Shared.Rent(uncompressedSize);
        }

        PageCompression.Decompress(codec, file.AsSpan(body, compressedSize), page.AsSpan(0, uncompressedSize), body, leaf.Path);
        return (page, 0, uncompressedSize);
    }

    /// <summary>DATA_PAGE v1 levels (a 4-byte length, then RLE/bit-packed); returns where the values start.</summary>
    private int ReadPrefixedLevels(byte[] data, int p, int end, int maxLevel, Span<int> output, int offset, ParquetNode leaf)
    {
        if (maxLevel == 0)
        {
            output.Clear();
            return p;
        }

        var length = end - p >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(p, 4)) : -1;
        if (length < 0 || length > end - p - 4)
        {
            throw new FormatException($"{source}: the levels of column '{leaf.Path}' in the page at file offset {offset} run past the page.");
        }

        ReadLevels(data, p + 4, p + 4 + length, maxLevel, output, offset, leaf);
        return p + 4 + length;
    }

    private void ReadLevels(byte[] data, int start, int end, int maxLevel, Span<int> output, int offset, ParquetNode leaf)
    {
        if (maxLevel == 0)
        {
            output.Clear();
            return;
        }

        hybrid.Reset(data, start, end, RleBitPackedEncoder.BitWidth(maxLevel), offset);
        hybrid.ReadExactly(output);
        foreach (var level in output)
        {
            if ((uint)level > (uint)maxLevel)
            {
                throw new FormatException($"{source}: column '{leaf.Path}' has level {level} above its maximum {maxLevel} in the page at file offset {offset}.");
            }
        }
    }

    /// <summary>Decodes the page's present values, then spreads them over the entries whose level reaches the leaf.</summary>
    private void DecodeValues(PageEncoding encoding, byte[] data, int start, int end, ParquetNode leaf, ReadOnlySpan<int> def, Span<object?> values, object?[]? dictionary, int offset)
    {
        var maxDef = leaf.DefinitionLevel;
        var present = 0;
        foreach (var d in def)
        {
            present += d == maxDef ? 1 : 0;
        }

        // An all-null page may hold no value section at all, whatever its encoding says.
        var dense = present == 0 ? [] : DecodePresent(encoding, data, start, end, leaf, present, dictionary, offset);
        var k = 0;
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = def[i] == maxDef ? dense[k++] : null;
        }

        dense.Clear();
    }

    private Span<object?> DecodePresent(PageEncoding encoding, byte[] data, int start, int end, ParquetNode leaf, int present, object?[]? dictionary, int offset)
    {
        if (decoded.Length < present)
        {
            if (decoded.Length > 0)
            {
                ArrayPool<object?>.Shared.Return(decoded);
            }

            decoded = ArrayPool<object?>.Shared.Rent(present);
        }

        var dense = decoded.AsSpan(0, present);
        switch (encoding)
        {
            case PageEncoding.Plain:
                var p = start;
                for (var k = 0; k < dense.Length; k++)
                {
                    dense[k] = ReadPlain(data, ref p, end, k, leaf, offset);
                }

                return dense;
            case PageEncoding.PlainDictionary or PageEncoding.RleDictionary:
                if (dictionary is null || start >= end)
                {
                    throw new FormatException($"{source}: the dictionary-encoded page of column '{leaf.Path}' at file offset {offset} has {(dictionary is null ? "no dictionary page before it" : "no bit width")}.");
                }

                var keys = ReadHybrid(data, start + 1, end, data[start], present, offset);
                for (var k = 0; k < dense.Length; k++)
                {
                    dense[k] = (uint)keys[k] < (uint)dictionary.Length
                        ? dictionary[keys[k]]
                        : throw new FormatException($"{source}: column '{leaf.Path}' references dictionary entry {keys[k]} of {dictionary.Length} in the page at file offset {offset}.");
                }

                return dense;
            case PageEncoding.Rle when leaf.PhysicalType == ParquetPhysicalType.Boolean:
                var length = end - start >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(start, 4)) : -1;
                if (length < 0 || length > end - start - 4)
                {
                    throw new FormatException($"{source}: the RLE booleans of column '{leaf.Path}' in the page at file offset {offset} run past the page.");
                }

                var bits = ReadHybrid(data, start + 4, start + 4 + length, 1, present, offset);
                for (var k = 0; k < dense.Length; k++)
                {
                    dense[k] = bits[k] != 0 ? True : False;
                }

                return dense;
            case PageEncoding.DeltaBinaryPacked when leaf.PhysicalType is ParquetPhysicalType.Int32 or ParquetPhysicalType.Int64:
                var numbers = ReadDeltaPacked(data, start, end, present, offset, out _);
                var narrow = leaf.PhysicalType == ParquetPhysicalType.Int32;
                for (var k = 0; k < dense.Length; k++)
                {
                    dense[k] = narrow ? (long)(int)numbers[k] : numbers[k];
                }

                return dense;
            case PageEncoding.DeltaLengthByteArray when leaf.PhysicalType == ParquetPhysicalType.ByteArray:
                // Every length (DELTA_BINARY_PACKED), then the bytes back to back.
                var lengths = ReadDeltaPacked(data, start, end, present, offset, out var consumed);
                var at = start + consumed;
                for (var k = 0; k < dense.Length; k++)
                {
                    if (lengths[k] < 0 || lengths[k] > end - at)
                    {
                        throw new FormatException($"{source}: a delta-length string of column '{leaf.Path}' runs past the page at file offset {offset}.");
                    }

                    dense[k] = Encoding.UTF8.GetString(data, at, (int)lengths[k]);
                    at += (int)lengths[k];
                }

                return dense;
            default:
                throw new NotSupportedException($"{source}: column '{leaf.Path}' uses Parquet encoding {encoding} for {leaf.PhysicalType} values, which the checkpoint reader does not decode.");
        }
    }

    /// <summary>Decodes <paramref name="count"/> DELTA_BINARY_PACKED numbers into a pooled scratch.</summary>
    private Span<long> ReadDeltaPacked(byte[] data, int start, int end, int count, int offset, out int consumed)
    {
        if (numbers.Length < count)
        {
            if (numbers.Length > 0)
            {
                ArrayPool<long>.Shared.Return(numbers);
            }

            numbers = ArrayPool<long>.Shared.Rent(count);
        }

        var output = numbers.AsSpan(0, count);
        consumed = DeltaBinaryPackedDecoder.Decode(data.AsSpan(start, end - start), output, offset);
        return output;
    }

    /// <summary>Decodes <paramref name="count"/> RLE/bit-packed values at <paramref name="bitWidth"/> into a pooled scratch.</summary>
    private ReadOnlySpan<int> ReadHybrid(byte[] data, int start, int end, int bitWidth, int count, int offset)
    {
        if (indexes.Length < count)
        {
            if (indexes.Length > 0)
            {
                ArrayPool<int>.Shared.Return(indexes);
            }

            indexes = ArrayPool<int>.Shared.Rent(count);
        }

        var output = indexes.AsSpan(0, count);
        hybrid.Reset(data, start, end, bitWidth, offset);
        hybrid.ReadExactly(output);
        return output;
    }

    private object? ReadPlain(byte[] data, ref int p, int end, int index, ParquetNode leaf, int offset)
    {
        switch (leaf.PhysicalType)
        {
            case ParquetPhysicalType.Boolean:
                var at = p + (index >> 3);
                Need(at, 1, end, leaf, offset);
                return ((data[at] >> (index & 7)) & 1) != 0 ? True : False;
            case ParquetPhysicalType.Int32:
                Need(p, 4, end, leaf, offset);
                var i32 = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(p, 4));
                p += 4;
                return (long)i32;
            case ParquetPhysicalType.Int64:
                Need(p, 8, end, leaf, offset);
                var i64 = BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(p, 8));
                p += 8;
                return i64;
            case ParquetPhysicalType.Double:
                Need(p, 8, end, leaf, offset);
                var d = BinaryPrimitives.ReadDoubleLittleEndian(data.AsSpan(p, 8));
                p += 8;
                return d;
            case ParquetPhysicalType.Float:
                Need(p, 4, end, leaf, offset);
                var f = BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan(p, 4));
                p += 4;
                return (double)f;
            case ParquetPhysicalType.ByteArray:
                Need(p, 4, end, leaf, offset);
                var length = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(p, 4));
                Need(p + 4, length, end, leaf, offset);
                var s = Encoding.UTF8.GetString(data, p + 4, length);
                p += 4 + length;
                return s;
            case ParquetPhysicalType.FixedLenByteArray:
                Need(p, leaf.TypeLength, end, leaf, offset);
                var bytes = data.AsSpan(p, leaf.TypeLength).ToArray();
                p += leaf.TypeLength;
                return bytes;
            case ParquetPhysicalType.Int96:
                Need(p, 12, end, leaf, offset);
                p += 12;
                return null;
            default:
                throw new FormatException($"{source}: column '{leaf.Path}' has unknown physical type {leaf.PhysicalType}.");
        }
    }

    private void Need(int p, int count, int end, ParquetNode leaf, int offset)
    {
        if (count < 0 || p > end - count)
        {
            throw new FormatException($"{source}: a value of column '{leaf.Path}' runs past the page at file offset {offset}.");
        }
    }
}
