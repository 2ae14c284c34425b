using Serverless.Parquet.Thrift;

namespace Serverless.Parquet.Format;

/// <summary>parquet.thrift ColumnChunk with its ColumnMetaData (flattened: a chunk always carries its metadata here).</summary>
internal sealed class ColumnMetaData
{
    public string? FilePath { get; set; }

    public long FileOffset { get; set; }

    public ParquetPhysicalType Type { get; set; }

    public List<PageEncoding> Encodings { get; set; } = [];

    public List<string> PathInSchema { get; set; } = [];

    public ParquetCompression Codec { get; set; }

    public long NumValues { get; set; }

    public long TotalUncompressedSize { get; set; }

    public long TotalCompressedSize { get; set; }

    public long DataPageOffset { get; set; }

    public long? DictionaryPageOffset { get; set; }

    public ThriftStatistics? Statistics { get; set; }

    public bool HasMetaData { get; set; }

    /// <summary>Reads a ColumnChunk struct.</summary>
    public static ColumnMetaData ReadChunk(ref CompactReader r)
    {
        r.EnterStruct();
        var c = new ColumnMetaData();
        short last = 0;
        while (true)
        {
            var type = r.ReadFieldHeader(ref last, out var id);
            if (type == ThriftType.Stop)
            {
                break;
            }

            switch (id)
            {
                case 1: c.FilePath = FieldReads.String(ref r, type, "ColumnChunk.file_path"); break;
                case 2: c.FileOffset = FieldReads.I64(ref r, type, "ColumnChunk.file_offset"); break;
                case 3:
                    FieldReads.Struct(ref r, type, "ColumnChunk.meta_data");
                    c.ReadMetaData(ref r);
                    break;
                default: r.Skip(type); break;
            }
        }

        r.ExitStruct();
        return c;
    }

    /// <summary>Writes a ColumnChunk struct.</summary>
    public void WriteChunk(CompactWriter w)
    {
        short last = 0;
        w.WriteI64Field(2, FileOffset, ref last);
        w.WriteFieldHeader(ThriftType.Struct, 3, ref last);
        short m = 0;
        w.WriteI32Field(1, (int)Type, ref m);
        w.WriteFieldHeader(ThriftType.List, 2, ref m);
        w.WriteListHeader(ThriftType.I32, Encodings.Count);
        foreach (var e in Encodings)
        {
            w.WriteI32((int)e);
        }

        w.WriteFieldHeader(ThriftType.List, 3, ref m);
        w.WriteListHeader(ThriftType.Binary, PathInSchema.Count);
        foreach (var p in PathInSchema)
        {
            w.WriteString(p);
        }

        w.WriteI32Field(4, (int)Codec, ref m);
        w.WriteI64Field(5, NumValues, ref m);
        w.WriteI64Field(6, TotalUncompressedSize, ref m);
        w.WriteI64Field(7, TotalCompressedSize, ref m);
        w.WriteI64Field(9, DataPageOffset, ref m);
        if (DictionaryPageOffset is { } dict)
        {
            w.WriteI64Field(11, dict, ref m);
        }

        if (Statistics is not null)
        {
            w.WriteFieldHeader(ThriftType.Struct, 12, ref m);
            Statistics.Write(w);
        }

        w.WriteStop();
        w.WriteStop();
    }

    private void ReadMetaData(ref CompactReader r)
    {
        r.EnterStruct();
        HasMetaData = true;
        short last = 0;
        while (true)
        {
            var type = r.ReadFieldHeader(ref last, out var id);
            if (type == ThriftType.Stop)
            {
                break;
            }

            switch (id)
            {
                case 1: Type = (ParquetPhysicalType)FieldReads.I32(ref r, type, "ColumnMetaData.type"); break;
                case 2:
                    {
                        var n = FieldReads.List(ref r, type, ThriftType.I32, "ColumnMetaData.encodings");
                        Encodings = new List<PageEncoding>(n);
                        for (var i = 0; i < n; i++)
                        {
                            Encodings.Add((PageEncoding)r.ReadI32());
                        }

                        break;
                    }

                case 3:
                    {
                        var n = FieldReads.List(ref r, type, ThriftType.Binary, "ColumnMetaData.path_in_schema");
                        PathInSchema = new List<string>(n);
                        for (var i = 0; i < n; i++)
                        {
                            PathInSchema.Add(r.ReadString());
                        }

                        break;
                    }

                case 4: Codec = (ParquetCompression)FieldReads.I32(ref r, type, "ColumnMetaData.codec"); break;
                case 5: NumValues = FieldReads.I64(ref r, type, "ColumnMetaData.num_values"); break;
                case 6: TotalUncompressedSize = FieldReads.I64(ref r, type, "ColumnMetaData.total_uncompressed_size"); break;
                case 7: TotalCompressedSize = FieldReads.I64(ref r, type, "ColumnMetaData.total_compressed_size"); break;
                case 9: DataPageOffset = FieldReads.I64(ref r, type, "ColumnMetaData.data_page_offset"); break;
                case 11: DictionaryPageOffset = FieldReads.I64(ref r, type, "ColumnMetaData.dictionary_page_offset"); break;
                case 12:
                    FieldReads.Struct(ref r, type, "ColumnMetaData.statistics");
                    Statistics = ThriftStatistics.Read(ref r);
                    break;
                default: r.Skip(type); break;
            }
        }

        r.ExitStruct();
    }
}
