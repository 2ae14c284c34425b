using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Serverless.Parquet.Encodings;
using Serverless.Parquet.Format;
using Serverless.Parquet.Statistics;
using Serverless.Parquet.Thrift;
using System.Runtime.CompilerServices;

namespace Serverless.Parquet.Writing;

/// <summary>
/// Encodes one column of the current row group into compressed DATA_PAGE v1 pages held in memory, with a dictionary
/// (RLE_DICTIONARY) until it grows past the limit or proves not to pay off, then PLAIN.
/// </summary>
internal sealed class ColumnChunkWriter : IDisposable
{
    private readonly ParquetColumn _column;
    private readonly ParquetWriterOptions _options;
    private readonly bool _optional;
    private readonly SegmentedBuffer _pages;
    private readonly ByteBuffer _plain = new(64 * 1024);
    private readonly ByteBuffer _body;
    private readonly ByteBuffer _compressed;
    private readonly CompactWriter _header;
    private const int EarlyDictionaryCheckValues = 4096;
    private readonly NumericDictionary? _intDictionary;
    private readonly NumericDictionary? _longDictionary;
    private readonly ByteArrayDictionary? _bytesDictionary;
    private readonly ByteBuffer? _numericDictionaryPlain;
    // Page-sized scratch from the shared pool: a writer per snapshot chunk grew these to a page's rows every time.
    private int[] _defLevels = ArrayPool<int>.Shared.Rent(1024);
    private int[] _indices = ArrayPool<int>.Shared.Rent(1024);
    private bool[] _bools = ArrayPool<bool>.Shared.Rent(1024);
    private int _pageValues;
    private int _pageNonNull;

    // The dictionary index every non-null value of the open page has, while they all have one (runs of a repeated
    // value); _indices is filled only once the page mixes indices. -1: the indices are in _indices.
    private int _pageRunIndex = -1;
    private bool _dictionaryMode;
    private bool _usedDictionary;
    private bool _usedPlain;
    private bool _pendingFallback;
    private int _dataPages;
    private long _uncompressedTotal;

    public ColumnChunkWriter(ParquetColumn column, ParquetWriterOptions options, PageEncodingScratch scratch)
    {
        _column = column;
        _pages = new SegmentedBuffer(scratch.Segments);
        _body = scratch.Body;
        _compressed = scratch.Compressed;
        _header = scratch.Header;
        _options = options;
        _optional = !column.IsRequired;
        Statistics = new StatisticsAccumulator(column);
        var dictionaryAllowed = options.EnableDictionary && column.PhysicalType != ParquetPhysicalType.Boolean;
        if (dictionaryAllowed)
        {
            switch (column.PhysicalType)
            {
                case ParquetPhysicalType.Int32 or ParquetPhysicalType.Float:
                    _intDictionary = new NumericDictionary();
                    _numericDictionaryPlain = new ByteBuffer(4096);
                    break;
                case ParquetPhysicalType.Int64 or ParquetPhysicalType.Double:
                    _longDictionary = new NumericDictionary();
                    _numericDictionaryPlain = new ByteBuffer(4096);
                    break;
                default:
                    _bytesDictionary = new ByteArrayDictionary(column.PhysicalType == ParquetPhysicalType.ByteArray);
                    break;
            }
        }

        _dictionaryMode = dictionaryAllowed;
    }

    public StatisticsAccumulator Statistics { get; }

    /// <summary>
    /// Bytes this chunk holds so far: its closed, compressed pages, the open page and the dictionary. The row group
    /// closes on this, so buffered memory (not just output bytes) stays within the target; segment slack adds at most
    /// one segment per column.
    /// </summary>
    public long EstimatedSize => _pages.Length + _plain.Length + (_pageNonNull * 2L) + DictionaryBytes;

    /// <summary>Compressed bytes of the closed pages of this chunk.</summary>
    public long BufferedPageBytes => _pages.Length;

    private int DictionaryCount => _intDictionary?.Count ?? _longDictionary?.Count ?? _bytesDictionary?.Count ?? 0;

    private long DictionaryBytes => _numericDictionaryPlain?.Length ?? _bytesDictionary?.Plain.Length ?? 0;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Write(ParquetColumnBuffer source, int start, int count)
    {
        var nulls = source.NullArray;
        var hasNulls = source.NullCount > 0 && nulls is not null;
        if (hasNulls && !_optional)
        {
            throw new ArgumentException($"Column '{_column.Name}' is required but the batch holds nulls.");
        }

        var end = start + count;
        var i = start;
        while (i < end)
        {
            var room = _options.MaxRowsPerPage - _pageValues;
            var n = Math.Min(room, end - i);
            EnsurePageCapacity(_pageValues + n);
            if (hasNulls)
            {
                var flags = nulls.AsSpan(i, n);
                var levels = _defLevels.AsSpan(_pageValues, n);
                var nullCount = 0;
                for (var k = 0; k < flags.Length; k++)
                {
                    var isNull = flags[k];
                    levels[k] = isNull ? 0 : 1;
                    nullCount += isNull ? 1 : 0;
                }

                Statistics.AddNulls(nullCount);
                if (nullCount == 0)
                {
                    AddValues(source, i, n);
                }
                else
                {
                    // Runs of non-null values between the nulls.
                    var k = 0;
                    while (k < n)
                    {
                        while (k < n && flags[k])
                        {
                            k++;
                        }

                        var runStart = k;
                        while (k < n && !flags[k])
                        {
                            k++;
                        }

                        if (k > runStart)
                        {
                            AddValues(source, i + runStart, k - runStart);
                        }
                    }
                }
            }
            else
            {
                if (_optional)
                {
                    _defLevels.AsSpan(_pageValues, n).Fill(1);
                }

                AddValues(source, i, n);
            }

            _pageValues += n;
            i += n;
            if (_pageValues >= _options.MaxRowsPerPage || _pendingFallback || PageBytes() >= _options.PageSizeBytes)
            {
                FlushPage();
            }
        }
    }

    /// <summary>Ends the row group for this column: writes the dictionary page and the pages; returns the metadata.</summary>
    public ColumnMetaData Finish(Stream output, ref long position, ParquetCompression codec)
    {
        if (_pageValues > 0 || _dataPages == 0)
        {
            FlushPage();
        }

        var meta = new ColumnMetaData
        {
            Type = _column.PhysicalType,
            PathInSchema = [_column.Name],
            Codec = codec,
            NumValues = Statistics.ValueCount,
            Statistics = Statistics.ToThrift(),
        };

        var chunkStart = position;
        long compressedTotal = 0;
        if (_usedDictionary)
        {
            var dictPlain = _numericDictionaryPlain ?? _bytesDictionary!.Plain;
            _compressed.Clear();
            PageCompression.Compress(codec, dictPlain.WrittenSpan, _compressed);
            var header = new PageHeader
            {
                Type = PageType.DictionaryPage,
                UncompressedPageSize = dictPlain.Length,
                CompressedPageSize = _compressed.Length,
                NumValues = DictionaryCount,
                Encoding = PageEncoding.Plain,
            };
            _header.Clear();
            header.Write(_header);
            output.Write(_header.WrittenSpan);
            output.Write(_compressed.WrittenSpan);
            meta.DictionaryPageOffset = position;
            var written = _header.Length + _compressed.Length;
            position += written;
            compressedTotal += written;
            _uncompressedTotal += _header.Length + dictPlain.Length;
        }

        meta.DataPageOffset = position;
        _pages.WriteTo(output);
        position += _pages.Length;
        compressedTotal += _pages.Length;
        meta.TotalCompressedSize = compressedTotal;
        meta.TotalUncompressedSize = _uncompressedTotal;
        meta.FileOffset = chunkStart;
        var encodings = new List<PageEncoding>(3);
        if (_usedDictionary || _usedPlain)
        {
            encodings.Add(PageEncoding.Plain);
        }

        encodings.Add(PageEncoding.Rle);
        if (_usedDictionary)
        {
            encodings.Add(PageEncoding.RleDictionary);
        }

        meta.Encodings = encodings;
        return meta;
    }

    /// <summary>Prepares for the next row group (fresh dictionary and statistics).</summary>
    public void Reset()
    {
        _pages.Clear();
        _plain.Clear();
        _intDictionary?.Clear();
        _longDictionary?.Clear();
        _bytesDictionary?.Clear();
        _numericDictionaryPlain?.Clear();
        _dictionaryMode = _intDictionary is not null || _longDictionary is not null || _bytesDictionary is not null;
        _usedDictionary = _usedPlain = _pendingFallback = false;
        _pageValues = _pageNonNull = _dataPages = 0;
        _pageRunIndex = -1;
        _uncompressedTotal = 0;
        Statistics.Reset();
    }

    public void Dispose()
    {
        _pages.Clear();
        _plain.Dispose();
        _numericDictionaryPlain?.Dispose();
        _bytesDictionary?.Dispose();
        if (_defLevels.Length > 0)
        {
            ArrayPool<int>.Shared.Return(_defLevels);
            ArrayPool<int>.Shared.Return(_indices);
            ArrayPool<bool>.Shared.Return(_bools);
            _defLevels = _indices = [];
            _bools = [];
        }

        _intDictionary?.Dispose();
        _longDictionary?.Dispose();
    }

    private long PageBytes() => _dictionaryMode ? _pageNonNull * 2L : _plain.Length;

    /// <summary>Adds <paramref name="count"/> non-null values from row <paramref name="from"/>: statistics in one pass, then dictionary indices or bulk PLAIN bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddValues(ParquetColumnBuffer source, int from, int count)
    {
        if (source.IsRepeatedRange(from, count))
        {
            AddRepeated(source, from, count);
            return;
        }

        switch (_column.PhysicalType)
        {
            case ParquetPhysicalType.Boolean:
                {
                    var values = source.BooleanArray.AsSpan(from, count);
                    foreach (var v in values)
                    {
                        Statistics.Add(v ? 1L : 0L);
                    }

                    values.CopyTo(_bools.AsSpan(_pageNonNull));
                    _pageNonNull += count;
                    return;
                }

            case ParquetPhysicalType.Int32:
                {
                    var values = source.Int32Array.AsSpan(from, count);
                    Statistics.AddRange(values);
                    AddInts(values);
                    return;
                }

            case ParquetPhysicalType.Float:
                {
                    var values = source.FloatArray.AsSpan(from, count);
                    Statistics.AddRange(values);
                    AddInts(MemoryMarshal.Cast<float, int>(values));
                    return;
                }

            case ParquetPhysicalType.Int64:
                {
                    var values = source.Int64Array.AsSpan(from, count);
                    Statistics.AddRange(values);
                    AddLongs(values);
                    return;
                }

            case ParquetPhysicalType.Double:
                {
                    var values = source.DoubleArray.AsSpan(from, count);
                    Statistics.AddRange(values);
                    AddLongs(MemoryMarshal.Cast<double, long>(values));
                    return;
                }

            default:
                AddByteArrays(source, from, count);
                return;
        }
    }

    /// <summary>
    /// Adds <paramref name="count"/> copies of the value at row <paramref name="from"/> (a range the buffer holds as one
    /// repeated value): the statistics, the dictionary and the page see the value once, and the result is exactly what
    /// adding the copies one by one gives.
    /// </summary>
    private void AddRepeated(ParquetColumnBuffer source, int from, int count)
    {
        long bits;
        switch (_column.PhysicalType)
        {
            case ParquetPhysicalType.Boolean:
                {
                    var value = source.BooleanArray[from];
                    Statistics.Add(value ? 1L : 0L);
                    Statistics.CountRepeats(count - 1);
                    _bools.AsSpan(_pageNonNull, count).Fill(value);
                    _pageNonNull += count;
                    return;
                }

            case ParquetPhysicalType.Int32:
                Statistics.AddRange(source.Int32Array.AsSpan(from, 1));
                bits = source.Int32Array[from];
                break;
            case ParquetPhysicalType.Float:
                Statistics.AddRange(source.FloatArray.AsSpan(from, 1));
                bits = BitConverter.SingleToInt32Bits(source.FloatArray[from]);
                break;
            case ParquetPhysicalType.Int64:
                Statistics.AddRange(source.Int64Array.AsSpan(from, 1));
                bits = source.Int64Array[from];
                break;
            case ParquetPhysicalType.Double:
                Statistics.AddRange(source.DoubleArray.AsSpan(from, 1));
                bits = BitConverter.DoubleToInt64Bits(source.DoubleArray[from]);
                break;
            default:
                AddRepeatedByteArray(source.GetBytes(from), count);
                return;
        }

        Statistics.CountRepeats(count - 1);
        AddRepeatedNumber(bits, _column.PhysicalType is ParquetPhysicalType.Int32 or ParquetPhysicalType.Float ? sizeof(int) : sizeof(long), count);
    }

    /// <summary><paramref name="count"/> copies of a 4- or 8-byte number given by its bits (an INT32/FLOAT's sign-extended, as the dictionary keys them).</summary>
    private void AddRepeatedNumber(long bits, int width, int count)
    {
        if (!_dictionaryMode)
        {
            Span<byte> value = stackalloc byte[sizeof(long)];
            BinaryPrimitives.WriteInt64LittleEndian(value, bits);
            WriteRepeatedPlain(value[..width], count, lengthPrefixed: false);
            return;
        }

        var index = (width == sizeof(int) ? _intDictionary! : _longDictionary!).GetOrAdd(bits, out var added);
        if (added)
        {
            var entry = _numericDictionaryPlain!.GetSpan(width);
            if (width == sizeof(int))
            {
                BinaryPrimitives.WriteInt32LittleEndian(entry, (int)bits);
            }
            else
            {
                BinaryPrimitives.WriteInt64LittleEndian(entry, bits);
            }

            _numericDictionaryPlain.Advance(width);
        }

        AddIndexRun(index, count);
        if (_numericDictionaryPlain!.Length > _options.DictionaryPageSizeLimit)
        {
            _pendingFallback = true;
        }

        GiveUpDictionaryEarlyIfDistinct();
    }

    private void AddRepeatedByteArray(ReadOnlySpan<byte> value, int count)
    {
        if (!_dictionaryMode)
        {
            Statistics.Add(value);
            Statistics.CountRepeats(count - 1);
            WriteRepeatedPlain(value, count, _column.PhysicalType == ParquetPhysicalType.ByteArray);
            return;
        }

        var dictionary = _bytesDictionary!;
        var before = dictionary.Count;
        var index = dictionary.GetOrAdd(value);
        if (dictionary.Count != before)
        {
            Statistics.Add(value);
            Statistics.CountRepeats(count - 1);
        }
        else
        {
            Statistics.CountRepeats(count);
        }

        AddIndexRun(index, count);
        if (dictionary.Plain.Length > _options.DictionaryPageSizeLimit)
        {
            _pendingFallback = true;
        }

        GiveUpDictionaryEarlyIfDistinct();
    }

    /// <summary>Appends <paramref name="count"/> dictionary indices that are all <paramref name="index"/>; while the page holds no other index they stay a count.</summary>
    private void AddIndexRun(int index, int count)
    {
        if (_pageNonNull == 0)
        {
            _pageRunIndex = index;
        }
        else if (_pageRunIndex != index)
        {
            MaterializePageRun();
        }

        if (_pageRunIndex < 0)
        {
            _indices.AsSpan(_pageNonNull, count).Fill(index);
        }

        _pageNonNull += count;
    }

    /// <summary>Writes the open page's run of one index out into <see cref="_indices"/>, before indices that differ are added.</summary>
    private void MaterializePageRun()
    {
        if (_pageRunIndex >= 0)
        {
            _indices.AsSpan(0, _pageNonNull).Fill(_pageRunIndex);
            _pageRunIndex = -1;
        }
    }

    /// <summary>PLAIN bytes of <paramref name="count"/> copies of one value (little-endian bytes, or length-prefixed BYTE_ARRAY).</summary>
    private void WriteRepeatedPlain(ReadOnlySpan<byte> value, int count, bool lengthPrefixed)
    {
        var unit = value.Length + (lengthPrefixed ? sizeof(int) : 0);
        var target = _plain.GetSpan(unit * count);
        if (lengthPrefixed)
        {
            BinaryPrimitives.WriteInt32LittleEndian(target, value.Length);
            value.CopyTo(target[sizeof(int)..]);
            ParquetColumnBuffer.FillRepeated(target[..unit], count, target);
        }
        else
        {
            ParquetColumnBuffer.FillRepeated(value, count, target);
        }

        _plain.Advance(unit * count);
        _pageNonNull += count;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddByteArrays(ParquetColumnBuffer source, int from, int count)
    {
        var data = source.ByteData;
        var offsets = source.ByteOffsets;
        var lengthPrefixed = _column.PhysicalType == ParquetPhysicalType.ByteArray;
        if (_dictionaryMode)
        {
            // Bounds only need each distinct value once: fold in new dictionary entries, count the repeats.
            MaterializePageRun();
            var dictionary = _bytesDictionary!;
            var indices = _indices.AsSpan(_pageNonNull, count);
            var repeats = 0;
            for (var k = 0; k < count; k++)
            {
                var v = data[offsets[from + k]..offsets[from + k + 1]];
                var before = dictionary.Count;
                indices[k] = dictionary.GetOrAdd(v);
                if (dictionary.Count != before)
                {
                    Statistics.Add(v);
                }
                else
                {
                    repeats++;
                }
            }

            Statistics.CountRepeats(repeats);
            _pageNonNull += count;
            if (dictionary.Plain.Length > _options.DictionaryPageSizeLimit)
            {
                _pendingFallback = true;
            }

            GiveUpDictionaryEarlyIfDistinct();
            return;
        }

        for (var row = from; row < from + count; row++)
        {
            var v = data[offsets[row]..offsets[row + 1]];
            Statistics.Add(v);
            _pageNonNull++;
            var span = _plain.GetSpan(v.Length + 4);
            if (lengthPrefixed)
            {
                BinaryPrimitives.WriteInt32LittleEndian(span, v.Length);
                v.CopyTo(span[4..]);
                _plain.Advance(v.Length + 4);
            }
            else
            {
                v.CopyTo(span);
                _plain.Advance(v.Length);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddInts(ReadOnlySpan<int> values)
    {
        if (!_dictionaryMode)
        {
            WritePlain(MemoryMarshal.AsBytes(values), values.Length);
            return;
        }

        MaterializePageRun();
        var dictionary = _intDictionary!;
        var indices = _indices.AsSpan(_pageNonNull, values.Length);
        var last = 0;
        var lastIndex = -1;
        for (var k = 0; k < values.Length; k++)
        {
            // Runs of one value (a leading key column's repeats) skip the hash lookup.
            var bits = values[k];
            if (bits == last && lastIndex >= 0)
            {
                indices[k] = lastIndex;
                continue;
            }

            lastIndex = indices[k] = dictionary.GetOrAdd(bits, out var added);
            last = bits;
            if (added)
            {
                _numericDictionaryPlain!.WriteInt32LittleEndian(bits);
            }
        }

        _pageNonNull += values.Length;
        if (_numericDictionaryPlain!.Length > _options.DictionaryPageSizeLimit)
        {
            _pendingFallback = true;
        }

        GiveUpDictionaryEarlyIfDistinct();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddLongs(ReadOnlySpan<long> values)
    {
        if (!_dictionaryMode)
        {
            WritePlain(MemoryMarshal.AsBytes(values), values.Length);
            return;
        }

        MaterializePageRun();
        var dictionary = _longDictionary!;
        var indices = _indices.AsSpan(_pageNonNull, values.Length);
        var last = 0L;
        var lastIndex = -1;
        for (var k = 0; k < values.Length; k++)
        {
            // Runs of one value (a snapshot's read-view time column) skip the hash lookup.
            var bits = values[k];
            if (bits == last && lastIndex >= 0)
            {
                indices[k] = lastIndex;
                continue;
            }

            lastIndex = indices[k] = dictionary.GetOrAdd(bits, out var added);
            last = bits;
            if (added)
            {
                BinaryPrimitives.WriteInt64LittleEndian(_numericDictionaryPlain!.GetSpan(8), bits);
                _numericDictionaryPlain.Advance(8);
            }
        }

        _pageNonNull += values.Length;
        if (_numericDictionaryPlain!.Length > _options.DictionaryPageSizeLimit)
        {
            _pendingFallback = true;
        }

        GiveUpDictionaryEarlyIfDistinct();
    }

    /// <summary>
    /// Decides on the dictionary after the first few thousand values instead of a whole first page: when most are
    /// distinct (ids, timestamps, unique strings) hashing the rest of the page is wasted work.
    /// </summary>
    private void GiveUpDictionaryEarlyIfDistinct()
    {
        if (_dataPages == 0 && _pageNonNull >= EarlyDictionaryCheckValues && DictionaryCount > _pageNonNull * 3L / 4)
        {
            _pendingFallback = true;
        }
    }

    /// <summary>PLAIN numbers are the values' little-endian bytes: one copy (byte-swapped on a big-endian host).</summary>
    private void WritePlain(ReadOnlySpan<byte> littleEndianOnThisHost, int count)
    {
        _pageNonNull += count;
        _plain.Write(littleEndianOnThisHost);
        if (!BitConverter.IsLittleEndian)
        {
            var width = littleEndianOnThisHost.Length / Math.Max(1, count);
            var written = _plain.Array.AsSpan(_plain.Length - littleEndianOnThisHost.Length, littleEndianOnThisHost.Length);
            for (var k = 0; k < written.Length; k += width)
            {
                written.Slice(k, width).Reverse();
            }
        }
    }

    private void EnsurePageCapacity(int count)
    {
        if (_defLevels.Length < count || _indices.Length < count || _bools.Length < count)
        {
            var size = Math.Max(count, _defLevels.Length * 2);
            PooledArrays.Grow(ref _defLevels, size, _pageValues);
            PooledArrays.Grow(ref _indices, size, _pageNonNull);
            PooledArrays.Grow(ref _bools, size, _pageNonNull);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FlushPage()
    {
        _body.Clear();
        if (_optional)
        {
            var lengthAt = _body.Length;
            _body.WriteInt32LittleEndian(0);
            RleBitPackedEncoder.Encode(_defLevels.AsSpan(0, _pageValues), 1, _body);
            BinaryPrimitives.WriteInt32LittleEndian(_body.Array.AsSpan(lengthAt), _body.Length - lengthAt - 4);
        }

        PageEncoding encoding;
        var body = _body;
        if (_dictionaryMode)
        {
            var bitWidth = Math.Max(1, RleBitPackedEncoder.BitWidth(Math.Max(0, DictionaryCount - 1)));
            _body.WriteByte((byte)bitWidth);
            if (_pageRunIndex >= 0 && _pageNonNull > 0)
            {
                RleBitPackedEncoder.EncodeRepeated(_pageRunIndex, _pageNonNull, bitWidth, _body);
            }
            else
            {
                RleBitPackedEncoder.Encode(_indices.AsSpan(0, _pageNonNull), bitWidth, _body);
            }

            encoding = PageEncoding.RleDictionary;
            _usedDictionary = true;
        }
        else if (_column.PhysicalType == ParquetPhysicalType.Boolean)
        {
            var bytes = (_pageNonNull + 7) / 8;
            var span = _body.GetSpan(bytes);
            span.Clear();
            var bools = _bools.AsSpan(0, _pageNonNull);

            // A page of one value (a soft-delete flag that is false in a whole snapshot) needs no bit-by-bit packing.
            var first = bools.IndexOf(true);
            if (first >= 0 && bools.IndexOf(false) < 0)
            {
                span.Fill(0xFF);
                if ((_pageNonNull & 7) != 0)
                {
                    span[^1] = (byte)((1 << (_pageNonNull & 7)) - 1);
                }
            }
            else if (first >= 0)
            {
                for (var i = first; i < bools.Length; i++)
                {
                    if (bools[i])
                    {
                        span[i >> 3] |= (byte)(1 << (i & 7));
                    }
                }
            }

            _body.Advance(bytes);
            encoding = PageEncoding.Plain;
            _usedPlain = true;
        }
        else
        {
            // Without definition levels the page body is the PLAIN values as they are: compress them in place.
            if (_optional)
            {
                _body.Write(_plain.WrittenSpan);
            }
            else
            {
                body = _plain;
            }

            encoding = PageEncoding.Plain;
            _usedPlain = true;
        }

        _compressed.Clear();
        PageCompression.Compress(_options.Compression, body.WrittenSpan, _compressed);
        var header = new PageHeader
        {
            Type = PageType.DataPage,
            UncompressedPageSize = body.Length,
            CompressedPageSize = _compressed.Length,
            NumValues = _pageValues,
            Encoding = encoding,
            DefinitionLevelEncoding = PageEncoding.Rle,
            RepetitionLevelEncoding = PageEncoding.Rle,
        };
        _header.Clear();
        header.Write(_header);
        _pages.Write(_header.WrittenSpan);
        _pages.Write(_compressed.WrittenSpan);
        _uncompressedTotal += _header.Length + body.Length;
        _dataPages++;

        // After the first page, give up on the dictionary when most values are distinct: it would cost more than it saves.
        if (_dictionaryMode && (_pendingFallback || (_dataPages == 1 && _pageNonNull > 1000 && DictionaryCount > _pageNonNull * 3L / 4)))
        {
            _dictionaryMode = false;
        }

        _pendingFallback = false;
        _pageValues = 0;
        _pageNonNull = 0;
        _pageRunIndex = -1;
        _plain.Clear();
    }
}
