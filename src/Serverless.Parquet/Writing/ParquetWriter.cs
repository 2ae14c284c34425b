using System.Buffers.Binary;
using Serverless.Parquet.Format;
using Serverless.Parquet.Statistics;
using Serverless.Parquet.Thrift;
using Serverless.Parquet.Writing;

namespace Serverless.Parquet;

/// <summary>
/// Writes a Parquet file in one pass to any stream, seekable or not: magic, row groups, footer, footer length, magic.
/// Memory is bounded by one row group: the current row group's compressed pages are buffered in fixed-size segments
/// reused from row group to row group, then written in column order when the buffered bytes reach
/// <see cref="ParquetWriterOptions.RowGroupTargetBytes"/>.
/// </summary>
public sealed class ParquetWriter : IDisposable, IAsyncDisposable
{
    private const int SliceRows = 1024;
    private static readonly byte[] Magic = "PAR1"u8.ToArray();
    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly ParquetWriterOptions _options;
    private readonly PageEncodingScratch _scratch = new();
    private readonly ColumnChunkWriter[] _columns;
    private readonly StatisticsAccumulator[] _fileStatistics;
    private readonly List<RowGroup> _rowGroups = [];
    private readonly List<ParquetRowGroupInfo> _rowGroupInfos = [];
    private ParquetRowBatch? _rowBuffer;
    private long _position;
    private long _rowsInGroup;
    private long _rowCount;
    private ParquetFileMetadata? _result;

    public ParquetWriter(Stream output, ParquetSchema schema, ParquetWriterOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(schema);
        if (!output.CanWrite)
        {
            throw new ArgumentException("The output stream is not writable.", nameof(output));
        }

        _options = options ?? ParquetWriterOptions.Default;
        if (_options.Compression is not (ParquetCompression.Uncompressed or ParquetCompression.Snappy or ParquetCompression.Gzip))
        {
            throw new ArgumentException($"Compression {_options.Compression} cannot be written here; use Snappy, Gzip or Uncompressed.", nameof(options));
        }

        foreach (var c in schema.Columns)
        {
            Validate(c);
        }

        Schema = schema;
        _output = output;
        _leaveOpen = leaveOpen;
        _columns = schema.Columns.Select(c => new ColumnChunkWriter(c, _options, _scratch)).ToArray();
        _fileStatistics = schema.Columns.Select(c => new StatisticsAccumulator(c)).ToArray();
        _output.Write(Magic);
        _position = Magic.Length;
    }

    public ParquetSchema Schema { get; }

    /// <summary>Rows accepted so far.</summary>
    public long RowCount => _rowCount + (_rowBuffer?.Columns.Count > 0 ? _rowBuffer.Columns[0].Count : 0);

    /// <summary>Bytes written to the stream so far.</summary>
    public long BytesWritten => _position;

    /// <summary>Bytes held for the current row group (compressed pages, open pages, dictionaries); bounded by the row-group target.</summary>
    public long BufferedBytes
    {
        get
        {
            long size = 0;
            foreach (var c in _columns)
            {
                size += c.EstimatedSize;
            }

            return size;
        }
    }

    /// <summary>Row groups written to the stream so far.</summary>
    internal int RowGroupsWritten => _rowGroups.Count;

    /// <summary>Page segments this writer has allocated (reused across row groups).</summary>
    internal int SegmentsAllocated => _scratch.Segments.AllocatedSegments;

    /// <summary>Writes a batch of rows (the fast, non-boxing path). The batch can be cleared and reused afterwards.</summary>
    public void WriteBatch(ParquetRowBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        EnsureOpen();
        if (batch.Columns.Count != _columns.Length)
        {
            throw new ArgumentException($"The batch has {batch.Columns.Count} columns; the schema has {_columns.Length}.", nameof(batch));
        }

        for (var c = 0; c < _columns.Length; c++)
        {
            if (!Equals(batch.Columns[c].Column with { }, Schema.Columns[c]))
            {
                throw new ArgumentException($"Batch column {c} is '{batch.Columns[c].Column}' but the schema has '{Schema.Columns[c]}'.", nameof(batch));
            }
        }

        FlushRowBuffer();
        WriteRows(batch);
    }

    /// <summary>Writes one row of CLR values (see <see cref="ParquetValues"/>); convenient, boxes.</summary>
    public void WriteRow(params object?[] values)
    {
        EnsureOpen();
        _rowBuffer ??= new ParquetRowBatch(Schema, 1024);
        _rowBuffer.AppendRow(values);
        if (_rowBuffer.Columns.Count > 0 && _rowBuffer.Columns[0].Count >= SliceRows)
        {
            FlushRowBuffer();
        }
    }

    /// <summary>Closes the current row group now (if it holds rows).</summary>
    public void FlushRowGroup()
    {
        EnsureOpen();
        FlushRowBuffer();
        CloseRowGroup();
    }

    /// <summary>Writes the last row group and the footer; returns what the file holds. Idempotent.</summary>
    public ParquetFileMetadata Complete()
    {
        if (_result is not null)
        {
            return _result;
        }

        FlushRowBuffer();
        CloseRowGroup();
        var metadata = new FileMetaData
        {
            Version = 1,
            Schema = SchemaConversion.ToElements(Schema),
            NumRows = _rowCount,
            RowGroups = _rowGroups,
            KeyValueMetadata = _options.KeyValueMetadata?.ToList() ?? [],
            CreatedBy = _options.CreatedBy,
            ColumnOrderCount = Schema.Count,
        };
        var footer = new CompactWriter(4096);
        metadata.Write(footer);
        _output.Write(footer.WrittenSpan);
        Span<byte> tail = stackalloc byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(tail, footer.Length);
        Magic.CopyTo(tail[4..]);
        _output.Write(tail);
        _position += footer.Length + 8;
        _output.Flush();
        _result = new ParquetFileMetadata(
            Schema,
            _rowCount,
            _position,
            _rowGroupInfos,
            _fileStatistics.Select(s => s.ToPublic()).ToArray(),
            (_options.KeyValueMetadata ?? new Dictionary<string, string?>()).ToDictionary(p => p.Key, p => p.Value));
        foreach (var c in _columns)
        {
            c.Dispose();
        }

        _scratch.Dispose();
        return _result;
    }

    /// <summary>Completes the file and flushes the stream asynchronously.</summary>
    public async ValueTask<ParquetFileMetadata> CompleteAsync(CancellationToken cancellationToken = default)
    {
        var result = Complete();
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    public void Dispose()
    {
        Complete();
        if (!_leaveOpen)
        {
            _output.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CompleteAsync().ConfigureAwait(false);
        if (!_leaveOpen)
        {
            await _output.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static void Validate(ParquetColumn c)
    {
        if (c.PhysicalType == ParquetPhysicalType.Int96)
        {
            throw new ArgumentException($"Column '{c.Name}': INT96 is legacy and read only; write TIMESTAMP(MICROS) on INT64.");
        }

        if (c.LogicalType?.Kind is ParquetLogicalTypeKind.Other or ParquetLogicalTypeKind.Map or ParquetLogicalTypeKind.List)
        {
            throw new ArgumentException($"Column '{c.Name}': logical type {c.LogicalType} cannot be written on a flat column.");
        }

        if (c.IsDecimal)
        {
            var p = c.LogicalType!.Precision;
            var ok = c.PhysicalType switch
            {
                ParquetPhysicalType.Int32 => p <= 9,
                ParquetPhysicalType.Int64 => p <= 18,
                ParquetPhysicalType.FixedLenByteArray => p <= ParquetDecimal.MaxPrecision && c.TypeLength >= ParquetColumn.DecimalByteLength(p) && c.TypeLength <= 16,
                _ => false,
            };
            if (!ok)
            {
                throw new ArgumentException($"Column '{c.Name}': {c.LogicalType} cannot be stored as {c.PhysicalType} (length {c.TypeLength}); use ParquetColumn.Decimal.");
            }
        }
    }

    private void WriteRows(ParquetRowBatch batch)
    {
        var rows = batch.RowCount;
        var start = 0;
        while (start < rows)
        {
            var n = Math.Min(SliceRows, rows - start);
            for (var c = 0; c < _columns.Length; c++)
            {
                _columns[c].Write(batch.Columns[c], start, n);
            }

            start += n;
            _rowsInGroup += n;
            _rowCount += n;
            if (BufferedBytes >= _options.RowGroupTargetBytes)
            {
                CloseRowGroup();
            }
        }
    }

    private void FlushRowBuffer()
    {
        if (_rowBuffer is null || _rowBuffer.RowCount == 0)
        {
            return;
        }

        WriteRows(_rowBuffer);
        _rowBuffer.Clear();
    }

    private void CloseRowGroup()
    {
        if (_rowsInGroup == 0 && (_rowGroups.Count > 0 || _result is not null || _rowCount > 0))
        {
            return;
        }

        if (_rowsInGroup == 0)
        {
            // An empty file still gets no row group: readers treat zero row groups as zero rows.
            return;
        }

        var group = new RowGroup { NumRows = _rowsInGroup, FileOffset = _position, Ordinal = (short)Math.Min(short.MaxValue, _rowGroups.Count) };
        var stats = new ParquetColumnStatistics[_columns.Length];
        long uncompressed = 0, compressed = 0;
        for (var c = 0; c < _columns.Length; c++)
        {
            var meta = _columns[c].Finish(_output, ref _position, _options.Compression);
            group.Columns.Add(meta);
            uncompressed += meta.TotalUncompressedSize;
            compressed += meta.TotalCompressedSize;
            stats[c] = _columns[c].Statistics.ToPublic();
            _fileStatistics[c].Merge(_columns[c].Statistics);
            _columns[c].Reset();
        }

        group.TotalByteSize = uncompressed;
        group.TotalCompressedSize = compressed;
        _rowGroupInfos.Add(new ParquetRowGroupInfo(_rowGroups.Count, _rowsInGroup, uncompressed, compressed, stats));
        _rowGroups.Add(group);
        _rowsInGroup = 0;
    }

    private void EnsureOpen()
    {
        if (_result is not null)
        {
            throw new InvalidOperationException("The Parquet file is already complete.");
        }
    }
}
