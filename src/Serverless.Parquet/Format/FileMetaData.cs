using Serverless.Parquet.Thrift;

namespace Serverless.Parquet.Format;

/// <summary>parquet.thrift FileMetaData (the footer).</summary>
internal sealed class FileMetaData
{
    public int Version { get; set; } = 1;

    public List<SchemaElement> Schema { get; set; } = [];

    public long NumRows { get; set; }

    public List<RowGroup> RowGroups { get; set; } = [];

    public List<KeyValuePair<string, string?>> KeyValueMetadata { get; set; } = [];

    public string? CreatedBy { get; set; }

    /// <summary>Number of ColumnOrder entries (all TYPE_ORDER when written by us).</summary>
    public int ColumnOrderCount { get; set; }

    public bool IsEncrypted { get; set; }

    public static FileMetaData Read(ReadOnlySpan<byte> data, long fileOffset)
    {
        var r = new CompactReader(data, fileOffset);
        return Read(ref r);
    }

    public static FileMetaData Read(ref CompactReader r)
    {
        r.EnterStruct();
        var f = new FileMetaData();
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
                case 1: f.Version = FieldReads.I32(ref r, type, "FileMetaData.version"); break;
                case 2:
                    {
                        var n = FieldReads.List(ref r, type, ThriftType.Struct, "FileMetaData.schema");
                        f.Schema = new List<SchemaElement>(n);
                        for (var i = 0; i < n; i++)
                        {
                            f.Schema.Add(SchemaElement.Read(ref r));
                        }

                        break;
                    }

                case 3: f.NumRows = FieldReads.I64(ref r, type, "FileMetaData.num_rows"); break;
                case 4:
                    {
                        var n = FieldReads.List(ref r, type, ThriftType.Struct, "FileMetaData.row_groups");
                        f.RowGroups = new List<RowGroup>(n);
                        for (var i = 0; i < n; i++)
                        {
                            f.RowGroups.Add(RowGroup.Read(ref r));
                        }

                        break;
                    }

                case 5: f.KeyValueMetadata = ThriftKeyValue.ReadList(ref r, type); break;
                case 6: f.CreatedBy = FieldReads.String(ref r, type, "FileMetaData.created_by"); break;
                case 7:
                    {
                        var n = FieldReads.List(ref r, type, ThriftType.Struct, "FileMetaData.column_orders");
                        for (var i = 0; i < n; i++)
                        {
                            r.Skip(ThriftType.Struct);
                        }

                        f.ColumnOrderCount = n;
                        break;
                    }

                case 8: f.IsEncrypted = true; r.Skip(type); break;
                default: r.Skip(type); break;
            }
        }

        r.ExitStruct();
        return f;
    }

    public void Write(CompactWriter w)
    {
        short last = 0;
        w.WriteI32Field(1, Version, ref last);
        w.WriteFieldHeader(ThriftType.List, 2, ref last);
        w.WriteListHeader(ThriftType.Struct, Schema.Count);
        foreach (var e in Schema)
        {
            e.Write(w);
        }

        w.WriteI64Field(3, NumRows, ref last);
        w.WriteFieldHeader(ThriftType.List, 4, ref last);
        w.WriteListHeader(ThriftType.Struct, RowGroups.Count);
        foreach (var g in RowGroups)
        {
            g.Write(w);
        }

        if (KeyValueMetadata.Count > 0)
        {
            ThriftKeyValue.WriteList(w, 5, KeyValueMetadata, ref last);
        }

        if (CreatedBy is not null)
        {
            w.WriteStringField(6, CreatedBy, ref last);
        }

        if (ColumnOrderCount > 0)
        {
            // TYPE_ORDER for every leaf column: min/max follow the orderings of the logical types.
            w.WriteFieldHeader(ThriftType.List, 7, ref last);
            w.WriteListHeader(ThriftType.Struct, ColumnOrderCount);
            for (var i = 0; i < ColumnOrderCount; i++)
            {
                short u = 0;
                w.WriteEmptyStructField(1, ref u);
                w.WriteStop();
            }
        }

        w.WriteStop();
    }
}
