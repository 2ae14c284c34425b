using System.Buffers.Binary;
using System.Text;

namespace Serverless.Delta.Checkpoints;

/// <summary>
/// Writes a nested Parquet file from shredded leaf columns: one row group, one PLAIN data page (v1) per column
/// with RLE levels, uncompressed. Small and universally readable, which is all a checkpoint needs.
/// </summary>
internal sealed class NestedParquetWriter
{
    private readonly ParquetNode root;
    private readonly List<ParquetNode> leaves;
    private readonly (List<int> Rep, List<int> Def, List<object?> Values)[] columns;
    private long rows;

    public NestedParquetWriter(ParquetNode root)
    {
        this.root = root;
        root.Resolve();
        root.IndexLeaves();
        leaves = root.Leaves().ToList();
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

        if (node.ConvertedType == ParquetNode.Map)
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

        if (node.ConvertedType == ParquetNode.List)
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

    public byte[] Complete(string createdBy)
    {
        using var file = new MemoryStream();
        file.Write("PAR1"u8);
        var chunkMeta = new List<(ParquetNode Leaf, long Offset, long Size, int Count)>();
        foreach (var leaf in leaves)
        {
            var (rep, def, values) = columns[leaf.LeafIndex];
            var page = new MemoryStream();
            if (leaf.RepetitionLevel > 0)
            {
                WriteLevels(page, rep, leaf.RepetitionLevel);
            }

            if (leaf.DefinitionLevel > 0)
            {
                WriteLevels(page, def, leaf.DefinitionLevel);
            }

            WritePlain(page, leaf, values);
            var body = page.ToArray();
            var header = new ThriftCompactWriter();
            header.BeginStruct();
            header.I32(1, 0);
            header.I32(2, body.Length);
            header.I32(3, body.Length);
            header.StructField(5);
            header.I32(1, values.Count);
            header.I32(2, 0);
            header.I32(3, 3);
            header.I32(4, 3);
            header.EndStruct();
            header.EndStruct();
            var offset = file.Position;
            file.Write(header.Written);
            file.Write(body);
            chunkMeta.Add((leaf, offset, file.Position - offset, values.Count));
        }

        var footer = new ThriftCompactWriter();
        footer.BeginStruct();
        footer.I32(1, 1);
        var elements = new List<ParquetNode>();
        Flatten(root, elements);
        footer.ListHeader(2, ThriftCompact.TypeStruct, elements.Count);
        foreach (var e in elements)
        {
            footer.BeginStruct();
            if (e.IsLeaf)
            {
                footer.I32(1, e.PhysicalType!.Value);
            }

            if (!ReferenceEquals(e, root))
            {
                footer.I32(3, e.Repetition);
            }

            footer.String(4, e.Name);
            if (!e.IsLeaf)
            {
                footer.I32(5, e.Children.Count);
            }

            if (e.ConvertedType is { } ct)
            {
                footer.I32(6, ct);
            }

            footer.EndStruct();
        }

        footer.I64(3, rows);
        footer.ListHeader(4, ThriftCompact.TypeStruct, 1);
        footer.BeginStruct();
        footer.ListHeader(1, ThriftCompact.TypeStruct, chunkMeta.Count);
        long total = 0;
        foreach (var (leaf, offset, size, count) in chunkMeta)
        {
            total += size;
            footer.BeginStruct();
            footer.I64(2, offset);
            footer.StructField(3);
            footer.I32(1, leaf.PhysicalType!.Value);
            footer.ListHeader(2, ThriftCompact.TypeI32, 2);
            footer.ListI32(0);
            footer.ListI32(3);
            var path = leaf.Path.Split('.');
            footer.ListHeader(3, ThriftCompact.TypeBinary, path.Length);
            foreach (var p in path)
            {
                footer.ListString(p);
            }

            footer.I32(4, 0);
            footer.I64(5, count);
            footer.I64(6, size);
            footer.I64(7, size);
            footer.I64(9, offset);
            footer.EndStruct();
            footer.EndStruct();
        }

        footer.I64(2, total);
        footer.I64(3, rows);
        footer.EndStruct();
        footer.String(6, createdBy);
        footer.EndStruct();
        var footerBytes = footer.Written.ToArray();
        file.Write(footerBytes);
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(len, footerBytes.Length);
        file.Write(len);
        file.Write("PAR1"u8);
        return file.ToArray();
    }

    private static void Flatten(ParquetNode node, List<ParquetNode> output)
    {
        output.Add(node);
        foreach (var c in node.Children)
        {
            Flatten(c, output);
        }
    }

    private static void WriteLevels(Stream page, List<int> levels, int max)
    {
        var encoded = RleHybrid.Encode(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(levels), RleHybrid.BitWidth(max));
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(len, encoded.Length);
        page.Write(len);
        page.Write(encoded);
    }

    private static void WritePlain(Stream page, ParquetNode leaf, List<object?> values)
    {
        Span<byte> tmp = stackalloc byte[8];
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
                case ParquetNode.Boolean:
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
                case ParquetNode.Int32:
                    BinaryPrimitives.WriteInt32LittleEndian(tmp, Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture));
                    page.Write(tmp[..4]);
                    break;
                case ParquetNode.Int64:
                    BinaryPrimitives.WriteInt64LittleEndian(tmp, Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture));
                    page.Write(tmp);
                    break;
                case ParquetNode.ByteArray:
                    var bytes = Encoding.UTF8.GetBytes((string)v);
                    BinaryPrimitives.WriteInt32LittleEndian(tmp, bytes.Length);
                    page.Write(tmp[..4]);
                    page.Write(bytes);
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
