using Serverless.Parquet.Thrift;

namespace Serverless.Parquet.Format;

/// <summary>parquet.thrift RowGroup.</summary>
internal sealed class RowGroup
{
    public List<ColumnMetaData> Columns { get; set; } = [];

    public long TotalByteSize { get; set; }

    public long NumRows { get; set; }

    public long? FileOffset { get; set; }

    public long? TotalCompressedSize { get; set; }

    public short? Ordinal { get; set; }

    public static RowGroup Read(ref CompactReader r)
    {
        r.EnterStruct();
        var g = new RowGroup();
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
                case 1:
                    {
                        var n = FieldReads.List(ref r, type, ThriftType.Struct, "RowGroup.columns");
                        g.Columns = new List<ColumnMetaData>(n);
                        for (var i = 0; i < n; i++)
                        {
                            g.Columns.Add(ColumnMetaData.ReadChunk(ref r));
                        }

                        break;
                    }

                case 2: g.TotalByteSize = FieldReads.I64(ref r, type, "RowGroup.total_byte_size"); break;
                case 3: g.NumRows = FieldReads.I64(ref r, type, "RowGroup.num_rows"); break;
                case 5: g.FileOffset = FieldReads.I64(ref r, type, "RowGroup.file_offset"); break;
                case 6: g.TotalCompressedSize = FieldReads.I64(ref r, type, "RowGroup.total_compressed_size"); break;
                case 7 when type == ThriftType.I16: g.Ordinal = r.ReadI16(); break;
                default: r.Skip(type); break;
            }
        }

        r.ExitStruct();
        return g;
    }

    public void Write(CompactWriter w)
    {
        short last = 0;
        w.WriteFieldHeader(ThriftType.List, 1, ref last);
        w.WriteListHeader(ThriftType.Struct, Columns.Count);
        foreach (var c in Columns)
        {
            c.WriteChunk(w);
        }

        w.WriteI64Field(2, TotalByteSize, ref last);
        w.WriteI64Field(3, NumRows, ref last);
        if (FileOffset is { } offset)
        {
            w.WriteI64Field(5, offset, ref last);
        }

        if (TotalCompressedSize is { } compressed)
        {
            w.WriteI64Field(6, compressed, ref last);
        }

        if (Ordinal is { } ordinal)
        {
            w.WriteFieldHeader(ThriftType.I16, 7, ref last);
            w.WriteI32(ordinal);
        }

        w.WriteStop();
    }
}
