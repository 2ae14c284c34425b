using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Serverless.Parquet;
using Serverless.Parquet.Encodings;
using Serverless.Parquet.Format;
using Serverless.Parquet.Thrift;

namespace Serverless.Delta.Checkpoints;

/// <summary>
/// Writes a nested Parquet file from shredded leaf columns: one row group, one PLAIN data page (v1) per column with
/// RLE/bit-packed levels, snappy-compressed. The shredding (Dremel levels) is ours; encodings, compression and the
/// page header and footer structures are Serverless.Parquet's.
/// </summary>
internal sealed class NestedParquetWriter
{
    /// <summary>Snappy, as Spark writes checkpoints: stats JSON and paths shrink several-fold for little CPU.</summary>
    private const ParquetCompression Codec = ParquetCompression.Snappy;

    private readonly ParquetNode root;
    private readonly IReadOnlyList<ParquetNode> leaves;
    private readonly (List<int> Rep, List<int> Def, List<object?> Values)[] columns;
    private readonly bool dataPageV2;
    private long rows;

    /// <param name="root">The schema.</param>
    /// <param name="dataPageV2">Write DATA_PAGE_V2 pages (levels left uncompressed before the values) instead of v1 pages.</param>
    public NestedParquetWriter(ParquetNode root, bool dataPageV2 = false)
    {
        this.root = root;
        this.dataPageV2 = dataPageV2;
        root.Resolve();
        root.IndexLeaves();
        leaves = root.LeafList;
        columns = leaves.Select(_ => (new List<int>(), new List<int>(), new List<object?>())).ToArray();
    }

    /// <summary>Shreds one row: <paramref name="row"/> maps top-level field names to values (see <see cref="Shred"/>).</summary>
    public void AddRow(IReadOnlyDictionary<string, object?> row)
    {
        foreach (var child in root.Children)
        {
            row.TryGetValue(child.Name, out var value);
            Shred(child, value, 0, 0);
        }

        rows++;
    }

    public byte[] Complete(string createdBy)
    {
        using var file = new ByteBuffer(64 * 1024);
        using var page = new ByteBuffer(16 * 1024);
        using var compressed = new ByteBuffer(16 * 1024);
        var thrift = new CompactWriter();
        file.Write("PAR1"u8);
        long groupStart = file.Length;
        var group = new RowGroup { NumRows = rows, FileOffset = groupStart };
        foreach (var leaf in leaves)
        {
            var values = columns[leaf.LeafIndex].Values;
            page.Clear();
            compressed.Clear();
            thrift.Clear();
            var header = dataPageV2 ? EncodePageV2(leaf, page, compressed) : EncodePage(leaf, page, compressed);
            header.Write(thrift);
            long offset = file.Length;
            file.Write(thrift.WrittenSpan);
            file.Write(compressed.WrittenSpan);
            var uncompressedSize = thrift.Length + header.UncompressedPageSize;
            group.TotalByteSize += uncompressedSize;
            group.Columns.Add(new ColumnMetaData
            {
                FileOffset = offset,
                Type = leaf.PhysicalType!.Value,
                Encodings = [PageEncoding.Plain, PageEncoding.Rle],
                PathInSchema = [.. leaf.Path.Split('.')],
                Codec = Codec,
                NumValues = values.Count,
                TotalUncompressedSize = uncompressedSize,
                TotalCompressedSize = file.Length - offset,
                DataPageOffset = offset,
            });
        }

        group.TotalCompressedSize = file.Length - groupStart;
        thrift.Clear();
        new FileMetaData { Schema = root.ToSchema(), NumRows = rows, RowGroups = [group], CreatedBy = createdBy }.Write(thrift);
        file.Write(thrift.WrittenSpan);
        file.WriteInt32LittleEndian(thrift.Length);
        file.Write("PAR1"u8);
        return file.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Values by node kind: a group takes IReadOnlyDictionary&lt;string, object?&gt;; a MAP group takes
    /// IEnumerable&lt;KeyValuePair&lt;string, string?&gt;&gt;; a LIST group takes IEnumerable&lt;string&gt;; leaves take
    /// string, long, int or bool.
    /// </summary>
    private void Shred(ParquetNode node, object? value, int rep, int def)
    {
        if (value is null)
        {
            if (node.Repetition == ParquetNode.Required)
            {
                throw new InvalidOperationException($"Checkpoint column '{node.Path}' is required but has no value.");
            }

            EmitNulls(node, rep, def);
            return;
        }

        var d = def + (node.Repetition == ParquetNode.Required ? 0 : 1);
        if (node.IsLeaf)
        {
            var col = columns[node.LeafIndex];
            col.Rep.Add(rep);
            col.Def.Add(d);
            col.Values.Add(value);
            return;
        }

        if (node.ConvertedType == ConvertedType.Map)
        {
            var kv = node.Children[0];
            var entries = ((IEnumerable<KeyValuePair<string, string?>>)value).ToList();
            if (entries.Count == 0)
            {
                EmitNulls(kv, rep, d);
                return;
            }

            for (var i = 0; i < entries.Count; i++)
            {
                var r = i == 0 ? rep : kv.RepetitionLevel;
                Shred(kv.Children[0], entries[i].Key, r, d + 1);
                Shred(kv.Children[1], entries[i].Value, r, d + 1);
            }

            return;
        }

        if (node.ConvertedType == ConvertedType.List)
        {
            var list = node.Children[0];
            var items = ((IEnumerable<string>)value).ToList();
            if (items.Count == 0)
            {
                EmitNulls(list, rep, d);
                return;
            }

            for (var i = 0; i < items.Count; i++)
            {
                Shred(list.Children[0], items[i], i == 0 ? rep : list.RepetitionLevel, d + 1);
            }

            return;
        }

        var fields = (IReadOnlyDictionary<string, object?>)value;
        foreach (var child in node.Children)
        {
            fields.TryGetValue(child.Name, out var v);
            Shred(child, v, rep, d);
        }
    }

    private void EmitNulls(ParquetNode node, int rep, int def)
    {
        foreach (var leaf in node.LeafList)
        {
            var col = columns[leaf.LeafIndex];
            col.Rep.Add(rep);
            col.Def.Add(def);
            col.Values.Add(null);
        }
    }

    /// <summary>A DATA_PAGE (v1): length-prefixed levels and the values, compressed together.</summary>
    private PageHeader EncodePage(ParquetNode leaf, ByteBuffer page, ByteBuffer compressed)
    {
        var (rep, def, values) = columns[leaf.LeafIndex];
        if (leaf.RepetitionLevel > 0)
        {
            WriteLevels(page, rep, leaf.RepetitionLevel);
        }

        if (leaf.DefinitionLevel > 0)
        {
            WriteLevels(page, def, leaf.DefinitionLevel);
        }

        WritePlain(page, leaf, values);
        PageCompression.Compress(Codec, page.WrittenSpan, compressed);
        return new PageHeader
        {
            Type = PageType.DataPage,
            UncompressedPageSize = page.Length,
            CompressedPageSize = compressed.Length,
            NumValues = values.Count,
            Encoding = PageEncoding.Plain,
        };
    }

    /// <summary>A DATA_PAGE_V2: repetition then definition levels without length prefix or compression, then the compressed values.</summary>
    private PageHeader EncodePageV2(ParquetNode leaf, ByteBuffer page, ByteBuffer compressed)
    {
        var (rep, def, values) = columns[leaf.LeafIndex];
        if (leaf.RepetitionLevel > 0)
        {
            RleBitPackedEncoder.Encode(CollectionsMarshal.AsSpan(rep), RleBitPackedEncoder.BitWidth(leaf.RepetitionLevel), compressed);
        }

        var repLength = compressed.Length;
        if (leaf.DefinitionLevel > 0)
        {
            RleBitPackedEncoder.Encode(CollectionsMarshal.AsSpan(def), RleBitPackedEncoder.BitWidth(leaf.DefinitionLevel), compressed);
        }

        var levelsLength = compressed.Length;
        WritePlain(page, leaf, values);
        PageCompression.Compress(Codec, page.WrittenSpan, compressed);
        int nulls = 0, rowCount = 0;
        for (var i = 0; i < values.Count; i++)
        {
            nulls += values[i] is null ? 1 : 0;
            rowCount += rep[i] == 0 ? 1 : 0;
        }

        return new PageHeader
        {
            Type = PageType.DataPageV2,
            UncompressedPageSize = levelsLength + page.Length,
            CompressedPageSize = compressed.Length,
            NumValues = values.Count,
            NumNulls = nulls,
            NumRows = rowCount,
            Encoding = PageEncoding.Plain,
            RepetitionLevelsByteLength = repLength,
            DefinitionLevelsByteLength = levelsLength - repLength,
            IsCompressed = true,
        };
    }

    /// <summary>DATA_PAGE v1 levels: a 4-byte length, then the RLE/bit-packed hybrid at the level's bit width.</summary>
    private static void WriteLevels(ByteBuffer page, List<int> levels, int maxLevel)
    {
        var lengthAt = page.Length;
        page.WriteInt32LittleEndian(0);
        RleBitPackedEncoder.Encode(CollectionsMarshal.AsSpan(levels), RleBitPackedEncoder.BitWidth(maxLevel), page);
        BinaryPrimitives.WriteInt32LittleEndian(page.Array.AsSpan(lengthAt, 4), page.Length - lengthAt - 4);
    }

    private static void WritePlain(ByteBuffer page, ParquetNode leaf, List<object?> values)
    {
        byte bits = 0;
        var bitCount = 0;
        foreach (var v in values)
        {
            if (v is null)
            {
                continue;
            }

            switch (leaf.PhysicalType)
            {
                case ParquetPhysicalType.Boolean:
                    if ((bool)v)
                    {
                        bits |= (byte)(1 << bitCount);
                    }

                    if (++bitCount == 8)
                    {
                        page.WriteByte(bits);
                        bits = 0;
                        bitCount = 0;
                    }

                    break;
                case ParquetPhysicalType.Int32:
                    BinaryPrimitives.WriteInt32LittleEndian(page.GetSpan(4), Convert.ToInt32(v, CultureInfo.InvariantCulture));
                    page.Advance(4);
                    break;
                case ParquetPhysicalType.Int64:
                    BinaryPrimitives.WriteInt64LittleEndian(page.GetSpan(8), Convert.ToInt64(v, CultureInfo.InvariantCulture));
                    page.Advance(8);
                    break;
                case ParquetPhysicalType.ByteArray:
                    var text = (string)v;
                    var span = page.GetSpan(4 + Encoding.UTF8.GetMaxByteCount(text.Length));
                    var length = Encoding.UTF8.GetBytes(text, span[4..]);
                    BinaryPrimitives.WriteInt32LittleEndian(span, length);
                    page.Advance(4 + length);
                    break;
                default:
                    throw new NotSupportedException($"Checkpoint column '{leaf.Path}' has a physical type the checkpoint writer does not produce.");
            }
        }

        if (bitCount > 0)
        {
            page.WriteByte(bits);
        }
    }
}
