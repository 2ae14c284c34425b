using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Serverless.Delta.Checkpoints;

/// <summary>The Dremel levels and values of one leaf column across the whole file.</summary>
internal sealed class LeafColumn
{
    public LeafColumn(ParquetNode node, int[] repetition, int[] definition, object?[] values, int entries)
    {
        Node = node;
        Repetition = repetition;
        Definition = definition;
        Values = values;
        Entries = entries;
        var starts = new List<int>();
        for (var i = 0; i < entries; i++)
        {
            if (repetition.Length == 0 || repetition[i] == 0)
            {
                starts.Add(i);
            }
        }

        starts.Add(entries);
        RowStarts = starts.ToArray();
    }

    public ParquetNode Node { get; }

    public int[] Repetition { get; }

    public int[] Definition { get; }

    /// <summary>One slot per level entry: the value when the entry is defined to the leaf, else null.</summary>
    public object?[] Values { get; }

    public int Entries { get; }

    /// <summary>Index of each row's first entry, plus a final sentinel.</summary>
    public int[] RowStarts { get; }

    public int DefinitionAt(int entry) => Definition.Length == 0 ? Node.DefinitionLevel : Definition[entry];
}

/// <summary>
/// Reads every leaf column of a (possibly nested) Parquet file: footer, column chunks, dictionary and data pages
/// (v1 and v2), PLAIN and dictionary values, RLE levels, UNCOMPRESSED/SNAPPY/GZIP. Enough for Delta checkpoints
/// written by Spark, delta-rs and this library.
/// </summary>
internal static class NestedParquetReader
{
    public static (ParquetNode Root, Dictionary<string, LeafColumn> Leaves, long Rows) Read(ReadOnlySpan<byte> file, string source)
    {
        if (file.Length < 12 || !file[..4].SequenceEqual("PAR1"u8) || !file[^4..].SequenceEqual("PAR1"u8))
        {
            throw new FormatException($"{source} is not a Parquet file (missing PAR1 magic).");
        }

        var footerLength = BinaryPrimitives.ReadInt32LittleEndian(file[^8..]);
        if (footerLength <= 0 || footerLength > file.Length - 12)
        {
            throw new FormatException($"{source} declares a footer of {footerLength} bytes in a {file.Length}-byte file.");
        }

        var pos = file.Length - 8 - footerLength;
        var meta = ThriftCompact.ReadStruct(file, ref pos);
        var elements = meta.List(2).Cast<Dictionary<short, object>>().ToList();
        var index = 0;
        var root = BuildNode(elements, ref index, source);
        root.Resolve();
        var leaves = root.Leaves().ToList();
        var columns = leaves.ToDictionary(l => l.Path, _ => (Rep: new List<int>(), Def: new List<int>(), Values: new List<object?>()));
        long rows = 0;
        foreach (var rg in meta.List(4).Cast<Dictionary<short, object>>())
        {
            rows += rg.Long(3) ?? 0;
            var chunks = rg.List(1).Cast<Dictionary<short, object>>().ToList();
            if (chunks.Count != leaves.Count)
            {
                throw new FormatException($"{source}: a row group has {chunks.Count} column chunks for {leaves.Count} leaf columns.");
            }

            for (var c = 0; c < chunks.Count; c++)
            {
                var cm = chunks[c].Struct(3) ?? throw new FormatException($"{source}: column chunk {c} has no metadata.");
                var target = columns[leaves[c].Path];
                ReadChunk(file, cm, leaves[c], target.Rep, target.Def, target.Values, source);
            }
        }

        var result = new Dictionary<string, LeafColumn>(StringComparer.Ordinal);
        foreach (var leaf in leaves)
        {
            var (rep, def, values) = columns[leaf.Path];
            result[leaf.Path] = new LeafColumn(leaf, rep.ToArray(), def.ToArray(), values.ToArray(), values.Count);
        }

        return (root, result, rows);
    }

    private static ParquetNode BuildNode(List<Dictionary<short, object>> elements, ref int index, string source)
    {
        if (index >= elements.Count)
        {
            throw new FormatException($"{source}: the schema ends early.");
        }

        var e = elements[index++];
        var name = e.Str(4) ?? string.Empty;
        var repetition = (int)(e.Long(3) ?? ParquetNode.Required);
        var numChildren = (int)(e.Long(5) ?? 0);
        if (numChildren > elements.Count)
        {
            throw new FormatException($"{source}: schema element '{name}' declares {numChildren} children.");
        }

        var children = new List<ParquetNode>(numChildren);
        for (var i = 0; i < numChildren; i++)
        {
            children.Add(BuildNode(elements, ref index, source));
        }

        var physical = e.Long(1) is { } t ? (int)t : (int?)null;
        return new ParquetNode(name, repetition, numChildren == 0 ? physical : null, e.Long(6) is { } ct ? (int)ct : null, children)
        {
            TypeLength = (int)(e.Long(2) ?? 0),
        };
    }

    private static void ReadChunk(ReadOnlySpan<byte> file, Dictionary<short, object> cm, ParquetNode leaf, List<int> repOut, List<int> defOut, List<object?> valuesOut, string source)
    {
        var codec = (int)(cm.Long(4) ?? 0);
        var numValues = cm.Long(5) ?? 0;
        var start = cm.Long(11) is { } dict && dict > 0 ? dict : cm.Long(9) ?? 0;
        var size = cm.Long(7) ?? 0;
        if (start < 4 || size < 0 || start + size > file.Length)
        {
            throw new FormatException($"{source}: column '{leaf.Path}' chunk [{start}, {start + size}) lies outside the file.");
        }

        var chunk = file.Slice((int)start, (int)size);
        var pos = 0;
        object?[]? dictionary = null;
        long seen = 0;
        var maxRep = leaf.RepetitionLevel;
        var maxDef = leaf.DefinitionLevel;
        while (seen < numValues && pos < chunk.Length)
        {
            var header = ThriftCompact.ReadStruct(chunk, ref pos);
            var type = (int)(header.Long(1) ?? -1);
            var uncompressed = (int)(header.Long(2) ?? 0);
            var compressed = (int)(header.Long(3) ?? 0);
            if (compressed < 0 || pos + compressed > chunk.Length || uncompressed < 0)
            {
                throw new FormatException($"{source}: a page of column '{leaf.Path}' runs past its chunk.");
            }

            var body = chunk.Slice(pos, compressed);
            pos += compressed;
            switch (type)
            {
                case 2:
                    {
                        var dh = header.Struct(7)!;
                        var count = (int)(dh.Long(1) ?? 0);
                        var plain = Decompress(body, codec, uncompressed, source, leaf.Path);
                        dictionary = new object?[count];
                        var p = 0;
                        for (var i = 0; i < count; i++)
                        {
                            dictionary[i] = ReadPlain(plain, ref p, leaf, i, null);
                        }

                        break;
                    }

                case 0:
                    {
                        var dh = header.Struct(5)!;
                        var count = (int)(dh.Long(1) ?? 0);
                        var encoding = (int)(dh.Long(2) ?? 0);
                        var page = Decompress(body, codec, uncompressed, source, leaf.Path);
                        var p = 0;
                        var rep = new int[count];
                        var def = new int[count];
                        if (maxRep > 0)
                        {
                            var len = BinaryPrimitives.ReadInt32LittleEndian(page.AsSpan(p));
                            RleHybrid.Decode(page.AsSpan(p + 4, len), RleHybrid.BitWidth(maxRep), count, rep);
                            p += 4 + len;
                        }

                        if (maxDef > 0)
                        {
                            var len = BinaryPrimitives.ReadInt32LittleEndian(page.AsSpan(p));
                            RleHybrid.Decode(page.AsSpan(p + 4, len), RleHybrid.BitWidth(maxDef), count, def);
                            p += 4 + len;
                        }

                        DecodeValues(page.AsSpan(p), encoding, dictionary, leaf, rep, def, repOut, defOut, valuesOut, source);
                        seen += count;
                        break;
                    }

                case 3:
                    {
                        var dh = header.Struct(8)!;
                        var count = (int)(dh.Long(1) ?? 0);
                        var encoding = (int)(dh.Long(4) ?? 0);
                        var defLen = (int)(dh.Long(5) ?? 0);
                        var repLen = (int)(dh.Long(6) ?? 0);
                        var isCompressed = !dh.TryGetValue(7, out var ic) || ic is not false;
                        var rep = new int[count];
                        var def = new int[count];
                        if (maxRep > 0)
                        {
                            RleHybrid.Decode(body[..repLen], RleHybrid.BitWidth(maxRep), count, rep);
                        }

                        if (maxDef > 0)
                        {
                            RleHybrid.Decode(body.Slice(repLen, defLen), RleHybrid.BitWidth(maxDef), count, def);
                        }

                        var valuesBody = body[(repLen + defLen)..];
                        var values = isCompressed ? Decompress(valuesBody, codec, uncompressed - repLen - defLen, source, leaf.Path) : valuesBody.ToArray();
                        DecodeValues(values, encoding, dictionary, leaf, rep, def, repOut, defOut, valuesOut, source);
                        seen += count;
                        break;
                    }

                default:
                    // Index pages and unknown page kinds carry no values.
                    break;
            }
        }
    }

    private static void DecodeValues(ReadOnlySpan<byte> data, int encoding, object?[]? dictionary, ParquetNode leaf, int[] rep, int[] def, List<int> repOut, List<int> defOut, List<object?> valuesOut, string source)
    {
        var maxDef = leaf.DefinitionLevel;
        var present = 0;
        for (var i = 0; i < def.Length; i++)
        {
            if (maxDef == 0 || def[i] == maxDef)
            {
                present++;
            }
        }

        object?[] values;
        if (encoding == 0)
        {
            values = new object?[present];
            var p = 0;
            var bit = 0;
            for (var i = 0; i < present; i++)
            {
                values[i] = ReadPlain(data, ref p, leaf, i, leaf.PhysicalType == ParquetNode.Boolean ? bit++ : null);
            }
        }
        else if (encoding is 2 or 8)
        {
            if (dictionary is null)
            {
                throw new FormatException($"{source}: column '{leaf.Path}' uses dictionary encoding without a dictionary page.");
            }

            values = new object?[present];
            if (present > 0)
            {
                var indexes = new int[present];
                RleHybrid.Decode(data[1..], data[0], present, indexes);
                for (var i = 0; i < present; i++)
                {
                    if ((uint)indexes[i] >= (uint)dictionary.Length)
                    {
                        throw new FormatException($"{source}: column '{leaf.Path}' references dictionary entry {indexes[i]} of {dictionary.Length}.");
                    }

                    values[i] = dictionary[indexes[i]];
                }
            }
        }
        else
        {
            throw new NotSupportedException($"{source}: column '{leaf.Path}' uses Parquet encoding {encoding}; checkpoints are read with PLAIN and dictionary encodings only.");
        }

        var v = 0;
        for (var i = 0; i < def.Length; i++)
        {
            repOut.Add(rep[i]);
            defOut.Add(def[i]);
            valuesOut.Add(maxDef == 0 || def[i] == maxDef ? values[v++] : null);
        }
    }

    private static object? ReadPlain(ReadOnlySpan<byte> data, ref int p, ParquetNode leaf, int index, int? bitIndex)
    {
        switch (leaf.PhysicalType)
        {
            case ParquetNode.Boolean:
                var bi = bitIndex ?? index;
                return (data[bi >> 3] >> (bi & 7) & 1) != 0;
            case ParquetNode.Int32:
                var i32 = BinaryPrimitives.ReadInt32LittleEndian(data[p..]);
                p += 4;
                return (long)i32;
            case ParquetNode.Int64:
                var i64 = BinaryPrimitives.ReadInt64LittleEndian(data[p..]);
                p += 8;
                return i64;
            case ParquetNode.Double:
                var d = BinaryPrimitives.ReadDoubleLittleEndian(data[p..]);
                p += 8;
                return d;
            case ParquetNode.Float:
                var f = BinaryPrimitives.ReadSingleLittleEndian(data[p..]);
                p += 4;
                return (double)f;
            case ParquetNode.ByteArray:
                var len = BinaryPrimitives.ReadInt32LittleEndian(data[p..]);
                if (len < 0 || p + 4 + len > data.Length)
                {
                    throw new FormatException($"Column '{leaf.Path}': a byte array of {len} bytes runs past its page.");
                }

                var s = Encoding.UTF8.GetString(data.Slice(p + 4, len));
                p += 4 + len;
                return s;
            case ParquetNode.FixedLenByteArray:
                var bytes = data.Slice(p, leaf.TypeLength).ToArray();
                p += leaf.TypeLength;
                return bytes;
            case ParquetNode.Int96:
                p += 12;
                return null;
            default:
                throw new FormatException($"Column '{leaf.Path}' has unknown physical type {leaf.PhysicalType}.");
        }
    }

    private static byte[] Decompress(ReadOnlySpan<byte> body, int codec, int uncompressed, string source, string column)
    {
        switch (codec)
        {
            case 0:
                return body.ToArray();
            case 1:
                return IronSnappy.Snappy.Decode(body);
            case 2:
                using (var input = new MemoryStream(body.ToArray()))
                using (var gzip = new GZipStream(input, CompressionMode.Decompress))
                using (var output = new MemoryStream(Math.Max(uncompressed, 16)))
                {
                    gzip.CopyTo(output);
                    return output.ToArray();
                }

            default:
                throw new NotSupportedException($"{source}: column '{column}' is compressed with Parquet codec {codec} (e.g. ZSTD or LZ4); checkpoints are read with UNCOMPRESSED, SNAPPY and GZIP only. Rewrite the checkpoint with snappy.");
        }
    }
}
