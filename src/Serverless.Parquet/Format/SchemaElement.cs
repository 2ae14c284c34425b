using Serverless.Parquet.Thrift;

namespace Serverless.Parquet.Format;

/// <summary>parquet.thrift SchemaElement (one node of the depth-first schema list).</summary>
internal sealed class SchemaElement
{
    public ParquetPhysicalType? Type { get; set; }

    public int? TypeLength { get; set; }

    /// <summary>0 REQUIRED, 1 OPTIONAL, 2 REPEATED.</summary>
    public int? RepetitionType { get; set; }

    public string Name { get; set; } = "";

    public int? NumChildren { get; set; }

    public ConvertedType? ConvertedType { get; set; }

    public int? Scale { get; set; }

    public int? Precision { get; set; }

    public int? FieldId { get; set; }

    public ParquetLogicalType? LogicalType { get; set; }

    public static SchemaElement Read(ref CompactReader r)
    {
        r.EnterStruct();
        var e = new SchemaElement();
        var hasName = false;
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
                case 1: e.Type = (ParquetPhysicalType)FieldReads.I32(ref r, type, "SchemaElement.type"); break;
                case 2: e.TypeLength = FieldReads.I32(ref r, type, "SchemaElement.type_length"); break;
                case 3: e.RepetitionType = FieldReads.I32(ref r, type, "SchemaElement.repetition_type"); break;
                case 4: e.Name = FieldReads.String(ref r, type, "SchemaElement.name"); hasName = true; break;
                case 5: e.NumChildren = FieldReads.I32(ref r, type, "SchemaElement.num_children"); break;
                case 6: e.ConvertedType = (ConvertedType)FieldReads.I32(ref r, type, "SchemaElement.converted_type"); break;
                case 7: e.Scale = FieldReads.I32(ref r, type, "SchemaElement.scale"); break;
                case 8: e.Precision = FieldReads.I32(ref r, type, "SchemaElement.precision"); break;
                case 9: e.FieldId = FieldReads.I32(ref r, type, "SchemaElement.field_id"); break;
                case 10:
                    FieldReads.Struct(ref r, type, "SchemaElement.logicalType");
                    e.LogicalType = LogicalTypeCodec.Read(ref r);
                    break;
                default: r.Skip(type); break;
            }
        }

        r.ExitStruct();
        if (!hasName)
        {
            throw r.Error("SchemaElement without a name");
        }

        return e;
    }

    public void Write(CompactWriter w)
    {
        short last = 0;
        if (Type is { } t)
        {
            w.WriteI32Field(1, (int)t, ref last);
        }

        if (TypeLength is { } length)
        {
            w.WriteI32Field(2, length, ref last);
        }

        if (RepetitionType is { } repetition)
        {
            w.WriteI32Field(3, repetition, ref last);
        }

        w.WriteStringField(4, Name, ref last);
        if (NumChildren is { } children)
        {
            w.WriteI32Field(5, children, ref last);
        }

        if (ConvertedType is { } converted)
        {
            w.WriteI32Field(6, (int)converted, ref last);
        }

        if (Scale is { } scale)
        {
            w.WriteI32Field(7, scale, ref last);
        }

        if (Precision is { } precision)
        {
            w.WriteI32Field(8, precision, ref last);
        }

        if (FieldId is { } fieldId)
        {
            w.WriteI32Field(9, fieldId, ref last);
        }

        if (LogicalType is not null)
        {
            w.WriteFieldHeader(ThriftType.Struct, 10, ref last);
            LogicalTypeCodec.Write(w, LogicalType);
        }

        w.WriteStop();
    }
}
