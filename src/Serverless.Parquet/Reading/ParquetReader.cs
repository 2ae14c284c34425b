using System.Buffers;
using System.Buffers.Binary;
using Serverless.Parquet.Format;
using Serverless.Parquet.Reading;
using Serverless.Parquet.Statistics;

namespace Serverless.Parquet;

/// <summary>
/// Reads a flat Parquet file from a random-access source: the schema, key-value metadata and row-group statistics
/// from the footer, and row groups (optionally a subset of columns) as <see cref="ParquetRowBatch"/>es.
/// Not thread-safe; open one reader per concurrent use.
/// </summary>
public sealed class ParquetReader : IDisposable
{
    private const int MaxFooterBytes = 64 * 1024 * 1024;
    private readonly IParquetSource _source;
    private readonly IDisposable? _owned;
    private readonly FileMetaData _metadata;
    private readonly ColumnChunkReader _chunkReader = new();
    private byte[] _chunk = [];

    private ParquetReader(IParquetSource source, IDisposable? owned, FileMetaData metadata, long footerOffset)
    {
        _source = source;
        _owned = owned;
        _metadata = metadata;
        Schema = SchemaConversion.FromElements(metadata.Schema, footerOffset);
        var groups = new List<ParquetRowGroupInfo>(metadata.RowGroups.Count);
        long rows = 0;
        for (var g = 0; g < metadata.RowGroups.Count; g++)
        {
            var group = metadata.RowGroups[g];
            if (group.Columns.Count != Schema.Count)
            {
                throw new ParquetFormatException(footerOffset, $"row group {g} has {group.Columns.Count} column chunks but the schema has {Schema.Count} columns");
            }

            if (group.NumRows is < 0 or > int.MaxValue)
            {
                throw new ParquetFormatException(footerOffset, $"row group {g} claims {group.NumRows} rows");
            }

            rows += group.NumRows;
            var stats = new ParquetColumnStatistics[Schema.Count];
            long compressed = 0;
            for (var c = 0; c < Schema.Count; c++)
            {
                var chunk = group.Columns[c];
                if (!chunk.HasMetaData)
                {
                    throw new ParquetFormatException(footerOffset, $"row group {g}, column '{Schema[c].Name}' has no column metadata (encrypted or external column chunks are not supported)");
                }

                compressed += chunk.TotalCompressedSize;
                stats[c] = ToStatistics(Schema[c], chunk);
            }

            groups.Add(new ParquetRowGroupInfo(g, group.NumRows, group.TotalByteSize, group.TotalCompressedSize ?? compressed, stats));
        }

        RowGroups = groups;
        RowCount = rows;
        KeyValueMetadata = metadata.KeyValueMetadata.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value);
    }

    public ParquetSchema Schema { get; }

    public long RowCount { get; }

    public IReadOnlyList<ParquetRowGroupInfo> RowGroups { get; }

    public IReadOnlyDictionary<string, string?> KeyValueMetadata { get; }

    public string? CreatedBy => _metadata.CreatedBy;

    public static ParquetReader Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess);
        try
        {
            return Open(stream, leaveOpen: false);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public static ParquetReader Open(Stream stream, bool leaveOpen = false)
    {
        var source = new StreamParquetSource(stream, leaveOpen);
        return Open(source, source);
    }

    public static ParquetReader Open(IParquetSource source) => Open(source, null);

    public static async Task<ParquetReader> OpenAsync(IParquetSource source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var length = source.Length;
        CheckLength(length);
        var tail = new byte[8];
        await source.ReadAtAsync(length - 8, tail, cancellationToken).ConfigureAwait(false);
        var footerLength = FooterLength(tail, length);
        var footer = new byte[footerLength + 4];
        var footerOffset = length - 8 - footerLength;
        await source.ReadAtAsync(0, footer.AsMemory(0, 4), cancellationToken).ConfigureAwait(false);
        CheckHeadMagic(footer);
        await source.ReadAtAsync(footerOffset, footer.AsMemory(0, footerLength), cancellationToken).ConfigureAwait(false);
        return new ParquetReader(source, null, ParseFooter(footer.AsSpan(0, footerLength), footerOffset), footerOffset);
    }

    /// <summary>Indexes of the row groups whose statistics satisfy <paramref name="predicate"/> (row-group pruning).</summary>
    public IEnumerable<int> SelectRowGroups(Func<ParquetRowGroupInfo, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return RowGroups.Where(predicate).Select(g => g.Index);
    }

    /// <summary>Reads one row group; <paramref name="projection"/> selects columns (all by default).</summary>
    public ParquetRowBatch ReadRowGroup(int index, ParquetProjection? projection = null)
    {
        var (columns, schema) = Project(index, projection);
        var buffers = new ParquetColumnBuffer[columns.Length];
        ReserveChunkBuffer(index, columns);
        for (var i = 0; i < columns.Length; i++)
        {
            var (offset, length) = ChunkRange(index, columns[i]);
            var chunk = ChunkBuffer(length);
            _source.ReadAt(offset, chunk.AsSpan(0, length));
            buffers[i] = DecodeChunk(index, columns[i], chunk, length, offset);
        }

        return new ParquetRowBatch(schema, buffers);
    }

    /// <summary>Reads one row group, fetching the column chunks asynchronously (e.g. ranged blob reads).</summary>
    public async Task<ParquetRowBatch> ReadRowGroupAsync(int index, ParquetProjection? projection = null, CancellationToken cancellationToken = default)
    {
        var (columns, schema) = Project(index, projection);
        var buffers = new ParquetColumnBuffer[columns.Length];
        ReserveChunkBuffer(index, columns);
        for (var i = 0; i < columns.Length; i++)
        {
            var (offset, length) = ChunkRange(index, columns[i]);
            var chunk = ChunkBuffer(length);
            await _source.ReadAtAsync(offset, chunk.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            buffers[i] = DecodeChunk(index, columns[i], chunk, length, offset);
        }

        return new ParquetRowBatch(schema, buffers);
    }

    /// <summary>All rows as CLR values (see <see cref="ParquetValues"/>); convenient, boxes.</summary>
    public IEnumerable<object?[]> ReadRows(ParquetProjection? projection = null)
    {
        for (var g = 0; g < RowGroups.Count; g++)
        {
            var batch = ReadRowGroup(g, projection);
            var n = batch.RowCount;
            for (var r = 0; r < n; r++)
            {
                yield return batch.GetRow(r);
            }
        }
    }

    public void Dispose()
    {
        _chunkReader.Dispose();
        _owned?.Dispose();
    }

    private static ParquetReader Open(IParquetSource source, IDisposable? owned)
    {
        ArgumentNullException.ThrowIfNull(source);
        var length = source.Length;
        CheckLength(length);
        Span<byte> tail = stackalloc byte[8];
        source.ReadAt(length - 8, tail);
        var footerLength = FooterLength(tail, length);
        Span<byte> head = stackalloc byte[4];
        source.ReadAt(0, head);
        CheckHeadMagic(head);
        var footerOffset = length - 8 - footerLength;
        var footer = new byte[footerLength];
        source.ReadAt(footerOffset, footer);
        return new ParquetReader(source, owned, ParseFooter(footer, footerOffset), footerOffset);
    }

    private static void CheckLength(long length)
    {
        if (length < 12)
        {
            throw new ParquetFormatException(0, $"the file is {length} bytes long, too short to be Parquet (at least 12 bytes: magic, footer length, magic)");
        }
    }

    private static int FooterLength(ReadOnlySpan<byte> tail, long length)
    {
        if (tail[4..].SequenceEqual("PARE"u8))
        {
            throw new ParquetFormatException(length - 4, "the file has an encrypted footer (PARE); encrypted Parquet is not supported");
        }

        if (!tail[4..].SequenceEqual("PAR1"u8))
        {
            throw new ParquetFormatException(length - 4, "bad magic at the end of the file (expected PAR1): not a Parquet file or truncated");
        }

        var footerLength = BinaryPrimitives.ReadInt32LittleEndian(tail);
        if (footerLength <= 0 || footerLength > length - 12 || footerLength > MaxFooterBytes)
        {
            throw new ParquetFormatException(length - 8, $"footer length {footerLength} is out of range for a {length}-byte file");
        }

        return footerLength;
    }

    private static void CheckHeadMagic(ReadOnlySpan<byte> head)
    {
        if (!head[..4].SequenceEqual("PAR1"u8))
        {
            throw new ParquetFormatException(0, "bad magic at the start of the file (expected PAR1)");
        }
    }

    private static FileMetaData ParseFooter(ReadOnlySpan<byte> footer, long footerOffset)
    {
        var metadata = FileMetaData.Read(footer, footerOffset);
        if (metadata.IsEncrypted)
        {
            throw new ParquetFormatException(footerOffset, "the file is encrypted; encrypted Parquet is not supported");
        }

        return metadata;
    }

    private static ParquetColumnStatistics ToStatistics(ParquetColumn column, ColumnMetaData chunk)
    {
        var s = chunk.Statistics;
        byte[]? min = null, max = null;
        if (s is not null && StatisticsOrder.HasDefinedOrder(column))
        {
            if (s.MinValue is not null && s.MaxValue is not null)
            {
                (min, max) = (s.MinValue, s.MaxValue);
            }
            else if (s.LegacyMin is not null && s.LegacyMax is not null &&
                     column.PhysicalType is ParquetPhysicalType.Boolean or ParquetPhysicalType.Int32 or ParquetPhysicalType.Int64 or ParquetPhysicalType.Float or ParquetPhysicalType.Double &&
                     !StatisticsOrder.IsUnsigned(column))
            {
                // The deprecated min/max used signed comparison, which is right for these types only.
                (min, max) = (s.LegacyMin, s.LegacyMax);
            }
        }

        return ParquetColumnStatistics.Create(column, s?.NullCount, chunk.NumValues, min, max, s?.DistinctCount);
    }

    private (int[] Columns, ParquetSchema Schema) Project(int index, ParquetProjection? projection)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, RowGroups.Count);
        var columns = (projection ?? ParquetProjection.All).Resolve(Schema);
        var schema = columns.Length == Schema.Count && columns.Select((c, i) => c == i).All(x => x)
            ? Schema
            : new ParquetSchema(columns.Select(c => Schema[c]));
        return (columns, schema);
    }

    private (long Offset, int Length) ChunkRange(int rowGroup, int column)
    {
        var chunk = _metadata.RowGroups[rowGroup].Columns[column];
        var start = chunk.DataPageOffset;
        if (chunk.DictionaryPageOffset is { } dict && dict > 0 && dict < start)
        {
            start = dict;
        }

        var length = chunk.TotalCompressedSize;
        var dataEnd = _source.Length - 8;
        if (start < 4 || length <= 0 || start + length > dataEnd || length > int.MaxValue)
        {
            throw new ParquetFormatException(start, $"row group {rowGroup}, column '{Schema[column].Name}': column chunk [{start}, {start + length}) lies outside the file's data");
        }

        return (start, (int)length);
    }

    /// <summary>Sizes the chunk buffer once for the largest chunk to be read (checked ranges only), not chunk by chunk.</summary>
    private void ReserveChunkBuffer(int rowGroup, int[] columns)
    {
        var largest = 0;
        foreach (var c in columns)
        {
            largest = Math.Max(largest, ChunkRange(rowGroup, c).Length);
        }

        ChunkBuffer(largest);
    }

    /// <summary>The reader's column-chunk buffer, grown to the largest chunk read so far and reused (the reader is single-use at a time).</summary>
    private byte[] ChunkBuffer(int length)
    {
        if (_chunk.Length < length)
        {
            _chunk = GC.AllocateUninitializedArray<byte>(Math.Max(length, (int)Math.Min(Array.MaxLength, _chunk.Length * 3L / 2)));
        }

        return _chunk;
    }

    private ParquetColumnBuffer DecodeChunk(int rowGroup, int column, byte[] chunk, int length, long offset)
    {
        var info = _metadata.RowGroups[rowGroup];
        var meta = info.Columns[column];
        var col = Schema[column];
        if (meta.Type != col.PhysicalType)
        {
            throw new ParquetFormatException(offset, $"column '{col.Name}': chunk type {meta.Type} differs from the schema's {col.PhysicalType}");
        }

        // Capacity grows as pages decode; start from the row count only when the chunk could plausibly hold it.
        var capacity = (int)Math.Min(info.NumRows, Math.Max(1024, (long)length * 8));
        var buffer = new ParquetColumnBuffer(col, capacity);
        _chunkReader.Read(chunk, length, offset, col, meta.Codec, info.NumRows, buffer);
        return buffer;
    }
}
