using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Serverless.Parquet.Encodings;
using Serverless.Parquet.Format;

namespace Serverless.Parquet.Reading;

/// <summary>
/// Decodes the pages of one column chunk (DATA_PAGE v1 and v2, dictionary pages; PLAIN, dictionary, RLE, DELTA_* and
/// BYTE_STREAM_SPLIT encodings) into a <see cref="ParquetColumnBuffer"/>. Every size read from the file is checked
/// against the bytes that hold it.
/// </summary>
internal sealed class ColumnChunkReader : IDisposable
{
    private const int MaxValuesPerPage = 1 << 24;
    private readonly RleBitPackedDecoder _rle = new();
    private byte[] _page = [];
    private int[] _levels = [];
    private int[] _indices = [];
    private byte[] _fixed = [];
    private int[] _starts = [];
    private int[] _lengths = [];
    private long[] _deltas = [];
    private ByteBuffer? _built;

    // Dictionary of the current chunk.
    private int _dictCount;
    private bool _hasDictionary;
    private byte[] _dictFixed = [];
    private byte[] _dictBytes = [];
    private int[] _dictStarts = [];
    private int[] _dictLengths = [];

    private ParquetColumn _column = null!;
    private string _name = "";
    private ParquetCompression _codec;
    private long _expectedRows;

    public void Dispose()
    {
        _built?.Dispose();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Read(byte[] chunk, int chunkLength, long chunkOffset, ParquetColumn column, ParquetCompression codec, long expectedRows, ParquetColumnBuffer output)
    {
        _column = column;
        _name = column.Name;
        _codec = codec;
        _expectedRows = expectedRows;
        _hasDictionary = false;
        _dictCount = 0;
        if (!PageCompression.CanDecode(codec))
        {
            throw PageCompression.Unsupported(codec, chunkOffset, _name);
        }

        long rows = 0;
        var pos = 0;
        while (rows < expectedRows)
        {
            if (pos >= chunkLength)
            {
                throw new ParquetFormatException(chunkOffset + pos, $"column '{_name}': the column chunk ends after {rows} of {expectedRows} values");
            }

            var reader = new Thrift.CompactReader(chunk.AsSpan(pos, chunkLength - pos), chunkOffset + pos);
            var header = PageHeader.Read(ref reader);
            pos += reader.Position;
            var pageOffset = chunkOffset + pos;
            if (header.CompressedPageSize > chunkLength - pos)
            {
                throw new ParquetFormatException(pageOffset, $"column '{_name}': page of {header.CompressedPageSize} bytes extends beyond the column chunk ({chunkLength - pos} bytes remain)");
            }

            var body = chunk.AsSpan(pos, header.CompressedPageSize);
            pos += header.CompressedPageSize;
            switch (header.Type)
            {
                case PageType.DictionaryPage:
                    {
                        var n = Decompress(body, header.UncompressedPageSize, pageOffset);
                        ReadDictionary(header, n, pageOffset);
                        break;
                    }

                case PageType.DataPage:
                    {
                        CheckValueCount(header.NumValues, expectedRows - rows, pageOffset);
                        if (!TryDecompressPlainIntoColumn(header, body, pageOffset, output))
                        {
                            var n = Decompress(body, header.UncompressedPageSize, pageOffset);
                            ReadDataPageV1(header, n, pageOffset, output);
                        }

                        rows += header.NumValues;
                        break;
                    }

                case PageType.DataPageV2:
                    {
                        CheckValueCount(header.NumValues, expectedRows - rows, pageOffset);
                        ReadDataPageV2(header, body, pageOffset, output);
                        rows += header.NumValues;
                        break;
                    }

                default:
                    break;
            }
        }
    }

    private void CheckValueCount(int numValues, long remaining, long offset)
    {
        if (numValues < 0 || numValues > MaxValuesPerPage || numValues > remaining)
        {
            throw new ParquetFormatException(offset, $"column '{_name}': page claims {numValues} values but the row group has {remaining} rows left");
        }
    }

    /// <summary>
    /// A v1 PLAIN page of a required fixed-width column is nothing but the values' bytes: decompress it straight into
    /// the column's array, skipping the page buffer and a copy.
    /// </summary>
    private bool TryDecompressPlainIntoColumn(PageHeader header, ReadOnlySpan<byte> body, long offset, ParquetColumnBuffer output)
    {
        var width = _column.PhysicalType switch
        {
            ParquetPhysicalType.Int32 or ParquetPhysicalType.Float => 4,
            ParquetPhysicalType.Int64 or ParquetPhysicalType.Double => 8,
            _ => 0,
        };
        var n = header.NumValues;
        if (width == 0 || !_column.IsRequired || header.Encoding != PageEncoding.Plain || (long)n * width != header.UncompressedPageSize)
        {
            return false;
        }

        CheckExpansion(body, header.UncompressedPageSize, offset, _codec);
        var slot = output.ReserveSlots(n, _expectedRows);
        var target = _column.PhysicalType switch
        {
            ParquetPhysicalType.Int32 => MemoryMarshal.AsBytes(output.Int32Array.AsSpan(slot, n)),
            ParquetPhysicalType.Float => MemoryMarshal.AsBytes(output.FloatArray.AsSpan(slot, n)),
            ParquetPhysicalType.Int64 => MemoryMarshal.AsBytes(output.Int64Array.AsSpan(slot, n)),
            _ => MemoryMarshal.AsBytes(output.DoubleArray.AsSpan(slot, n)),
        };
        PageCompression.Decompress(_codec, body, target, offset, _name);
        return true;
    }

    private int Decompress(ReadOnlySpan<byte> body, int uncompressedSize, long offset)
    {
        CheckExpansion(body, uncompressedSize, offset, _codec);
        Rent(ref _page, uncompressedSize);
        PageCompression.Decompress(_codec, body, _page.AsSpan(0, uncompressedSize), offset, _name);
        return uncompressedSize;
    }

    private void CheckExpansion(ReadOnlySpan<byte> compressed, int uncompressed, long offset, ParquetCompression codec)
    {
        if (PageCompression.CheckClaimedSize(codec, compressed, uncompressed) is { } problem)
        {
            throw new ParquetFormatException(offset, $"column '{_name}': {problem}");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadDataPageV1(PageHeader header, int length, long offset, ParquetColumnBuffer output)
    {
        var n = header.NumValues;
        var p = 0;
        var nonNull = n;
        var hasLevels = !_column.IsRequired;
        if (hasLevels)
        {
            if (header.DefinitionLevelEncoding != PageEncoding.Rle)
            {
                throw new ParquetFormatException(offset, $"column '{_name}': definition levels encoded as {header.DefinitionLevelEncoding} are not supported (only RLE)");
            }

            if (length < 4)
            {
                throw new ParquetFormatException(offset, $"column '{_name}': page too short for its definition levels");
            }

            var levelBytes = BinaryPrimitives.ReadInt32LittleEndian(_page);
            if (levelBytes < 0 || levelBytes > length - 4)
            {
                throw new ParquetFormatException(offset, $"column '{_name}': definition levels length {levelBytes} exceeds the page");
            }

            nonNull = DecodeLevels(_page, 4, 4 + levelBytes, n, offset + 4);
            p = 4 + levelBytes;
        }

        DecodeValues(header.Encoding, _page, p, length, n, nonNull, hasLevels, offset + p, output);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadDataPageV2(PageHeader header, ReadOnlySpan<byte> body, long offset, ParquetColumnBuffer output)
    {
        var n = header.NumValues;
        var rep = header.RepetitionLevelsByteLength;
        var def = header.DefinitionLevelsByteLength;
        if (rep < 0 || def < 0 || (long)rep + def > body.Length)
        {
            throw new ParquetFormatException(offset, $"column '{_name}': DATA_PAGE_V2 level lengths ({rep}, {def}) exceed the page");
        }

        if (rep > 0)
        {
            throw new ParquetFormatException(offset, $"column '{_name}' has repetition levels; this reader supports flat columns only");
        }

        var valuesSize = header.UncompressedPageSize - rep - def;
        if (valuesSize < 0)
        {
            throw new ParquetFormatException(offset, $"column '{_name}': DATA_PAGE_V2 uncompressed size {header.UncompressedPageSize} is smaller than its levels");
        }

        var codec = header.IsCompressed ? _codec : ParquetCompression.Uncompressed;
        CheckExpansion(body[(rep + def)..], valuesSize, offset, codec);
        Rent(ref _page, def + valuesSize);
        body.Slice(rep, def).CopyTo(_page);
        PageCompression.Decompress(codec, body[(rep + def)..], _page.AsSpan(def, valuesSize), offset + rep + def, _name);
        var nonNull = n;
        var hasLevels = !_column.IsRequired;
        if (hasLevels)
        {
            nonNull = DecodeLevels(_page, 0, def, n, offset + rep);
        }

        DecodeValues(header.Encoding, _page, def, def + valuesSize, n, nonNull, hasLevels, offset + rep + def, output);
    }

    /// <summary>Decodes definition levels (max level 1) into <see cref="_levels"/>; returns the non-null count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int DecodeLevels(byte[] data, int start, int end, int n, long offset)
    {
        Rent(ref _levels, n);
        _rle.Reset(data, start, end, 1, offset);
        var levels = _levels.AsSpan(0, n);
        _rle.ReadExactly(levels);
        var nonNull = 0;
        foreach (var l in levels)
        {
            if ((uint)l > 1)
            {
                throw new ParquetFormatException(offset, $"column '{_name}': definition level {l} exceeds the maximum 1");
            }

            nonNull += l;
        }

        return nonNull;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void DecodeValues(PageEncoding encoding, byte[] data, int start, int end, int n, int nonNull, bool hasLevels, long offset, ParquetColumnBuffer output)
    {
        var slot = output.ReserveSlots(n, _expectedRows);
        if (encoding == PageEncoding.Plain && (!hasLevels || nonNull == n) && TryCopyPlainNumbers(data, start, end, n, slot, offset, output))
        {
            return;
        }

        switch (_column.PhysicalType)
        {
            case ParquetPhysicalType.Boolean:
                DecodeBooleans(encoding, data, start, end, nonNull, offset);
                Scatter(output.BooleanArray, slot, n, nonNull, hasLevels, MemoryMarshal.Cast<byte, bool>(_fixed.AsSpan(0, nonNull)), output);
                return;
            case ParquetPhysicalType.Int32:
                DecodeFixed(encoding, data, start, end, nonNull, 4, offset);
                Scatter(output.Int32Array, slot, n, nonNull, hasLevels, MemoryMarshal.Cast<byte, int>(_fixed.AsSpan(0, nonNull * 4)), output);
                return;
            case ParquetPhysicalType.Float:
                DecodeFixed(encoding, data, start, end, nonNull, 4, offset);
                Scatter(output.FloatArray, slot, n, nonNull, hasLevels, MemoryMarshal.Cast<byte, float>(_fixed.AsSpan(0, nonNull * 4)), output);
                return;
            case ParquetPhysicalType.Int64:
                DecodeFixed(encoding, data, start, end, nonNull, 8, offset);
                Scatter(output.Int64Array, slot, n, nonNull, hasLevels, MemoryMarshal.Cast<byte, long>(_fixed.AsSpan(0, nonNull * 8)), output);
                return;
            case ParquetPhysicalType.Double:
                DecodeFixed(encoding, data, start, end, nonNull, 8, offset);
                Scatter(output.DoubleArray, slot, n, nonNull, hasLevels, MemoryMarshal.Cast<byte, double>(_fixed.AsSpan(0, nonNull * 8)), output);
                return;
            default:
                {
                    var source = DecodeByteArrays(encoding, data, start, end, nonNull, offset);
                    CopyByteArrays(source, slot, n, nonNull, hasLevels, output);
                    return;
                }
        }
    }

    /// <summary>PLAIN numbers without nulls are the output's own little-endian bytes: one copy, straight into the column.</summary>
    private bool TryCopyPlainNumbers(byte[] data, int start, int end, int n, int slot, long offset, ParquetColumnBuffer output)
    {
        var target = _column.PhysicalType switch
        {
            ParquetPhysicalType.Int32 => MemoryMarshal.AsBytes(output.Int32Array.AsSpan(slot, n)),
            ParquetPhysicalType.Float => MemoryMarshal.AsBytes(output.FloatArray.AsSpan(slot, n)),
            ParquetPhysicalType.Int64 => MemoryMarshal.AsBytes(output.Int64Array.AsSpan(slot, n)),
            ParquetPhysicalType.Double => MemoryMarshal.AsBytes(output.DoubleArray.AsSpan(slot, n)),
            _ => default,
        };
        if (target.IsEmpty && n > 0)
        {
            return false;
        }

        if (target.Length > end - start)
        {
            throw new ParquetFormatException(offset, $"column '{_name}': {n} PLAIN values need {target.Length} bytes but the page holds {end - start}");
        }

        data.AsSpan(start, target.Length).CopyTo(target);
        return true;
    }

    /// <summary>Copies the decoded values (<see cref="_starts"/>/<see cref="_lengths"/> into <paramref name="source"/>) into the output in one reservation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CopyByteArrays(byte[] source, int slot, int n, int nonNull, bool hasLevels, ParquetColumnBuffer output)
    {
        var lengths = _lengths.AsSpan(0, nonNull);
        var starts = _starts.AsSpan(0, nonNull);
        long total = 0;
        foreach (var l in lengths)
        {
            total += l;
        }

        if (total > Array.MaxLength)
        {
            throw new InvalidOperationException($"Column '{_name}': more than {Array.MaxLength} bytes in one row group; read fewer rows per row group.");
        }

        // Estimate the row group's bytes from the average value so far (plus 10% for values that lengthen), so the buffer grows once or twice, not log(n) times.
        var valuesAfter = slot + n;
        var expectedBytes = valuesAfter > 0 ? (long)((output.ByteData.Length + total) * (double)_expectedRows / valuesAfter * 1.1) : 0;
        var bytes = output.ReserveBytes((int)total, out var at, expectedBytes);
        var offsets = output.OffsetArray.AsSpan(slot + 1, n);
        ref var src = ref MemoryMarshal.GetArrayDataReference(source);
        ref var dst = ref MemoryMarshal.GetArrayDataReference(bytes);
        if (!hasLevels || nonNull == n)
        {
            for (var i = 0; i < nonNull; i++)
            {
                var length = lengths[i];
                Unsafe.CopyBlockUnaligned(ref Unsafe.Add(ref dst, at), ref Unsafe.Add(ref src, starts[i]), (uint)length);
                at += length;
                offsets[i] = at;
            }

            return;
        }

        var levels = _levels.AsSpan(0, n);
        var nulls = output.NullFlags().AsSpan(slot, n);
        var j = 0;
        for (var i = 0; i < n; i++)
        {
            if (levels[i] == 0)
            {
                nulls[i] = true;
            }
            else
            {
                var length = lengths[j];
                Unsafe.CopyBlockUnaligned(ref Unsafe.Add(ref dst, at), ref Unsafe.Add(ref src, starts[j]), (uint)length);
                at += length;
                j++;
            }

            offsets[i] = at;
        }

        output.AddNulls(n - nonNull);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Scatter<T>(T[] destination, int slot, int n, int nonNull, bool hasLevels, ReadOnlySpan<T> values, ParquetColumnBuffer output)
    {
        if (!hasLevels || nonNull == n)
        {
            values.CopyTo(destination.AsSpan(slot, n));
            return;
        }

        var j = 0;
        var levels = _levels.AsSpan(0, n);
        var target = destination.AsSpan(slot, n);
        var nulls = output.NullFlags().AsSpan(slot, n);
        for (var i = 0; i < n; i++)
        {
            if (levels[i] == 0)
            {
                target[i] = default!;
                nulls[i] = true;
            }
            else
            {
                target[i] = values[j++];
            }
        }

        output.AddNulls(n - nonNull);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void DecodeBooleans(PageEncoding encoding, byte[] data, int start, int end, int count, long offset)
    {
        Rent(ref _fixed, count);
        var target = _fixed.AsSpan(0, count);
        switch (encoding)
        {
            case PageEncoding.Plain:
                if ((count + 7) / 8 > end - start)
                {
                    throw new ParquetFormatException(offset, $"column '{_name}': {count} PLAIN booleans need more bytes than the page holds");
                }

                for (var i = 0; i < count; i++)
                {
                    target[i] = (byte)((data[start + (i >> 3)] >> (i & 7)) & 1);
                }

                return;
            case PageEncoding.Rle:
                {
                    if (end - start < 4)
                    {
                        throw new ParquetFormatException(offset, $"column '{_name}': RLE booleans without length");
                    }

                    var length = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(start));
                    if (length < 0 || length > end - start - 4)
                    {
                        throw new ParquetFormatException(offset, $"column '{_name}': RLE boolean length {length} exceeds the page");
                    }

                    Rent(ref _indices, count);
                    _rle.Reset(data, start + 4, start + 4 + length, 1, offset + 4);
                    _rle.ReadExactly(_indices.AsSpan(0, count));
                    for (var i = 0; i < count; i++)
                    {
                        target[i] = (byte)(_indices[i] & 1);
                    }

                    return;
                }

            case PageEncoding.PlainDictionary or PageEncoding.RleDictionary:
                {
                    ReadIndices(data, start, end, count, offset);
                    for (var i = 0; i < count; i++)
                    {
                        target[i] = _dictFixed[_indices[i]];
                    }

                    return;
                }

            default:
                throw Unsupported(encoding, offset);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void DecodeFixed(PageEncoding encoding, byte[] data, int start, int end, int count, int width, long offset)
    {
        var bytes = count * width;
        Rent(ref _fixed, bytes);
        var target = _fixed.AsSpan(0, bytes);
        switch (encoding)
        {
            case PageEncoding.Plain:
                if (bytes > end - start)
                {
                    throw new ParquetFormatException(offset, $"column '{_name}': {count} PLAIN values need {bytes} bytes but the page holds {end - start}");
                }

                data.AsSpan(start, bytes).CopyTo(target);
                return;
            case PageEncoding.PlainDictionary or PageEncoding.RleDictionary:
                {
                    ReadIndices(data, start, end, count, offset);
                    var dict = _dictFixed;
                    if (width == 4)
                    {
                        var dictValues = MemoryMarshal.Cast<byte, int>(dict.AsSpan(0, _dictCount * 4));
                        var outValues = MemoryMarshal.Cast<byte, int>(target);
                        for (var i = 0; i < count; i++)
                        {
                            outValues[i] = dictValues[_indices[i]];
                        }
                    }
                    else
                    {
                        var dictValues = MemoryMarshal.Cast<byte, long>(dict.AsSpan(0, _dictCount * 8));
                        var outValues = MemoryMarshal.Cast<byte, long>(target);
                        for (var i = 0; i < count; i++)
                        {
                            outValues[i] = dictValues[_indices[i]];
                        }
                    }

                    return;
                }

            case PageEncoding.DeltaBinaryPacked:
                {
                    var span = data.AsSpan(start, end - start);
                    var total = DeltaBinaryPackedDecoder.PeekCount(span, offset);
                    if (total != count)
                    {
                        throw new ParquetFormatException(offset, $"column '{_name}': DELTA_BINARY_PACKED holds {total} values where {count} are defined");
                    }

                    Rent(ref _deltas, count);
                    DeltaBinaryPackedDecoder.Decode(span, _deltas.AsSpan(0, count), offset);
                    if (width == 4)
                    {
                        var outValues = MemoryMarshal.Cast<byte, int>(target);
                        for (var i = 0; i < count; i++)
                        {
                            outValues[i] = (int)_deltas[i];
                        }
                    }
                    else
                    {
                        MemoryMarshal.Cast<long, byte>(_deltas.AsSpan(0, count)).CopyTo(target);
                    }

                    return;
                }

            case PageEncoding.ByteStreamSplit:
                UnsplitStreams(data, start, end, count, width, target, offset);
                return;
            default:
                throw Unsupported(encoding, offset);
        }
    }

    private void UnsplitStreams(byte[] data, int start, int end, int count, int width, Span<byte> target, long offset)
    {
        if ((long)count * width > end - start)
        {
            throw new ParquetFormatException(offset, $"column '{_name}': BYTE_STREAM_SPLIT needs {(long)count * width} bytes but the page holds {end - start}");
        }

        for (var s = 0; s < width; s++)
        {
            var stream = data.AsSpan(start + (s * count), count);
            for (var i = 0; i < count; i++)
            {
                target[(i * width) + s] = stream[i];
            }
        }
    }

    /// <summary>Decodes byte-array values; fills <see cref="_starts"/>/<see cref="_lengths"/> and returns the array they index.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private byte[] DecodeByteArrays(PageEncoding encoding, byte[] data, int start, int end, int count, long offset)
    {
        Rent(ref _starts, count);
        Rent(ref _lengths, count);
        var fixedLength = _column.PhysicalType == ParquetPhysicalType.ByteArray ? -1 : (_column.PhysicalType == ParquetPhysicalType.Int96 ? 12 : _column.TypeLength);
        switch (encoding)
        {
            case PageEncoding.Plain:
                {
                    var p = start;
                    for (var i = 0; i < count; i++)
                    {
                        int length;
                        if (fixedLength < 0)
                        {
                            if (end - p < 4)
                            {
                                throw new ParquetFormatException(offset + (p - start), $"column '{_name}': PLAIN byte array length beyond the page");
                            }

                            length = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(p));
                            p += 4;
                        }
                        else
                        {
                            length = fixedLength;
                        }

                        if (length < 0 || length > end - p)
                        {
                            throw new ParquetFormatException(offset + (p - start), $"column '{_name}': byte array of {length} bytes extends beyond the page");
                        }

                        _starts[i] = p;
                        _lengths[i] = length;
                        p += length;
                    }

                    return data;
                }

            case PageEncoding.PlainDictionary or PageEncoding.RleDictionary:
                {
                    ReadIndices(data, start, end, count, offset);
                    for (var i = 0; i < count; i++)
                    {
                        var idx = _indices[i];
                        _starts[i] = _dictStarts[idx];
                        _lengths[i] = _dictLengths[idx];
                    }

                    return _dictBytes;
                }

            case PageEncoding.DeltaLengthByteArray:
                {
                    var p = DecodeDeltaLengths(data, start, end, count, _lengths, offset);
                    for (var i = 0; i < count; i++)
                    {
                        var length = _lengths[i];
                        if (length < 0 || length > end - p)
                        {
                            throw new ParquetFormatException(offset + (p - start), $"column '{_name}': DELTA_LENGTH_BYTE_ARRAY value of {length} bytes extends beyond the page");
                        }

                        _starts[i] = p;
                        p += length;
                    }

                    return data;
                }

            case PageEncoding.DeltaByteArray:
                {
                    var prefixes = new int[count];
                    var p = DecodeDeltaLengths(data, start, end, count, prefixes, offset);
                    var suffixStarts = new int[count];
                    var suffixLengths = new int[count];
                    p = DecodeDeltaLengths(data, p, end, count, suffixLengths, offset + (p - start));
                    for (var i = 0; i < count; i++)
                    {
                        if (suffixLengths[i] < 0 || suffixLengths[i] > end - p)
                        {
                            throw new ParquetFormatException(offset + (p - start), $"column '{_name}': DELTA_BYTE_ARRAY suffix extends beyond the page");
                        }

                        suffixStarts[i] = p;
                        p += suffixLengths[i];
                    }

                    _built ??= new ByteBuffer(4096);
                    _built.Clear();
                    var previousStart = 0;
                    var previousLength = 0;
                    for (var i = 0; i < count; i++)
                    {
                        var prefix = prefixes[i];
                        if (prefix < 0 || prefix > previousLength)
                        {
                            throw new ParquetFormatException(offset, $"column '{_name}': DELTA_BYTE_ARRAY prefix {prefix} is longer than the previous value ({previousLength} bytes)");
                        }

                        var length = prefix + suffixLengths[i];
                        var valueStart = _built.Length;
                        var target = _built.GetSpan(length);
                        _built.Array.AsSpan(previousStart, prefix).CopyTo(target);
                        data.AsSpan(suffixStarts[i], suffixLengths[i]).CopyTo(target[prefix..]);
                        _built.Advance(length);
                        _starts[i] = valueStart;
                        _lengths[i] = length;
                        previousStart = valueStart;
                        previousLength = length;
                    }

                    return _built.Array;
                }

            case PageEncoding.ByteStreamSplit when fixedLength > 0:
                {
                    var bytes = count * fixedLength;
                    Rent(ref _fixed, bytes);
                    UnsplitStreams(data, start, end, count, fixedLength, _fixed.AsSpan(0, bytes), offset);
                    for (var i = 0; i < count; i++)
                    {
                        _starts[i] = i * fixedLength;
                        _lengths[i] = fixedLength;
                    }

                    return _fixed;
                }

            default:
                throw Unsupported(encoding, offset);
        }
    }

    private int DecodeDeltaLengths(byte[] data, int start, int end, int count, int[] target, long offset)
    {
        var span = data.AsSpan(start, end - start);
        var total = DeltaBinaryPackedDecoder.PeekCount(span, offset);
        if (total != count)
        {
            throw new ParquetFormatException(offset, $"column '{_name}': delta-encoded lengths hold {total} values where {count} are defined");
        }

        Rent(ref _deltas, count);
        var used = DeltaBinaryPackedDecoder.Decode(span, _deltas.AsSpan(0, count), offset);
        for (var i = 0; i < count; i++)
        {
            var v = _deltas[i];
            if (v is < 0 or > int.MaxValue)
            {
                throw new ParquetFormatException(offset, $"column '{_name}': invalid byte array length {v}");
            }

            target[i] = (int)v;
        }

        return start + used;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadIndices(byte[] data, int start, int end, int count, long offset)
    {
        if (!_hasDictionary)
        {
            throw new ParquetFormatException(offset, $"column '{_name}': dictionary-encoded page without a dictionary page");
        }

        Rent(ref _indices, count);
        if (count == 0)
        {
            return;
        }

        if (end <= start)
        {
            throw new ParquetFormatException(offset, $"column '{_name}': dictionary indices missing");
        }

        _rle.Reset(data, start + 1, end, data[start], offset + 1);
        var indices = _indices.AsSpan(0, count);
        _rle.ReadExactly(indices);
        var limit = (uint)_dictCount;
        foreach (var idx in indices)
        {
            if ((uint)idx >= limit)
            {
                throw new ParquetFormatException(offset, $"column '{_name}': dictionary index {idx} out of range (dictionary holds {_dictCount} values)");
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadDictionary(PageHeader header, int length, long offset)
    {
        var count = header.NumValues;
        if (count < 0 || (count > length && _column.PhysicalType != ParquetPhysicalType.Boolean) || count > MaxValuesPerPage)
        {
            throw new ParquetFormatException(offset, $"column '{_name}': dictionary claims {count} values in {length} bytes");
        }

        if (header.Encoding is not (PageEncoding.Plain or PageEncoding.PlainDictionary))
        {
            throw Unsupported(header.Encoding, offset);
        }

        _dictCount = count;
        _hasDictionary = true;
        switch (_column.PhysicalType)
        {
            case ParquetPhysicalType.Boolean:
                Rent(ref _dictFixed, count);
                for (var i = 0; i < count; i++)
                {
                    if (i >> 3 >= length)
                    {
                        throw new ParquetFormatException(offset, $"column '{_name}': boolean dictionary beyond the page");
                    }

                    _dictFixed[i] = (byte)((_page[i >> 3] >> (i & 7)) & 1);
                }

                return;
            case ParquetPhysicalType.Int32 or ParquetPhysicalType.Float or ParquetPhysicalType.Int64 or ParquetPhysicalType.Double:
                {
                    var width = _column.PhysicalType is ParquetPhysicalType.Int32 or ParquetPhysicalType.Float ? 4 : 8;
                    if ((long)count * width > length)
                    {
                        throw new ParquetFormatException(offset, $"column '{_name}': dictionary of {count} values needs {(long)count * width} bytes but the page holds {length}");
                    }

                    Rent(ref _dictFixed, count * width);
                    _page.AsSpan(0, count * width).CopyTo(_dictFixed);
                    return;
                }

            default:
                {
                    var saved = _starts;
                    var savedLengths = _lengths;
                    _starts = [];
                    _lengths = [];
                    DecodeByteArrays(PageEncoding.Plain, _page, 0, length, count, offset);
                    Rent(ref _dictBytes, length);
                    _page.AsSpan(0, length).CopyTo(_dictBytes);
                    _dictStarts = _starts;
                    _dictLengths = _lengths;
                    _starts = saved;
                    _lengths = savedLengths;
                    return;
                }
        }
    }

    private ParquetFormatException Unsupported(PageEncoding encoding, long offset) =>
        new(offset, $"column '{_name}' ({_column.PhysicalType}) uses encoding {encoding}, which this reader does not support for that type");

    private static void Rent<T>(ref T[] array, int size)
    {
        if (array.Length < size)
        {
            array = new T[Math.Max(size, Math.Min(array.Length * 2, Array.MaxLength))];
        }
    }
}
