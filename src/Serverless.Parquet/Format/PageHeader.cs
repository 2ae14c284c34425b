using Serverless.Parquet.Thrift;

namespace Serverless.Parquet.Format;

/// <summary>
/// parquet.thrift PageHeader with its DataPageHeader, DataPageHeaderV2 and DictionaryPageHeader members flattened
/// into one object (only the members of <see cref="Type"/> are meaningful).
/// </summary>
internal sealed class PageHeader
{
    public PageType Type { get; set; }

    public int UncompressedPageSize { get; set; }

    public int CompressedPageSize { get; set; }

    public int? Crc { get; set; }

    public bool HasDataPageHeader { get; set; }

    public bool HasDataPageHeaderV2 { get; set; }

    public bool HasDictionaryPageHeader { get; set; }

    public int NumValues { get; set; }

    public PageEncoding Encoding { get; set; }

    public PageEncoding DefinitionLevelEncoding { get; set; } = PageEncoding.Rle;

    public PageEncoding RepetitionLevelEncoding { get; set; } = PageEncoding.Rle;

    public ThriftStatistics? Statistics { get; set; }

    /// <summary>DATA_PAGE_V2 only.</summary>
    public int NumNulls { get; set; }

    /// <summary>DATA_PAGE_V2 only.</summary>
    public int NumRows { get; set; }

    /// <summary>DATA_PAGE_V2 only: byte length of the (never compressed) definition levels.</summary>
    public int DefinitionLevelsByteLength { get; set; }

    /// <summary>DATA_PAGE_V2 only: byte length of the (never compressed) repetition levels.</summary>
    public int RepetitionLevelsByteLength { get; set; }

    /// <summary>DATA_PAGE_V2 only; the spec's default is true.</summary>
    public bool IsCompressed { get; set; } = true;

    public static PageHeader Read(ref CompactReader r)
    {
        r.EnterStruct();
        var h = new PageHeader();
        bool hasType = false, hasUncompressed = false, hasCompressed = false;
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
                case 1: h.Type = (PageType)FieldReads.I32(ref r, type, "PageHeader.type"); hasType = true; break;
                case 2: h.UncompressedPageSize = FieldReads.I32(ref r, type, "PageHeader.uncompressed_page_size"); hasUncompressed = true; break;
                case 3: h.CompressedPageSize = FieldReads.I32(ref r, type, "PageHeader.compressed_page_size"); hasCompressed = true; break;
                case 4: h.Crc = FieldReads.I32(ref r, type, "PageHeader.crc"); break;
                case 5:
                    FieldReads.Struct(ref r, type, "PageHeader.data_page_header");
                    h.ReadDataPageHeader(ref r);
                    break;
                case 7:
                    FieldReads.Struct(ref r, type, "PageHeader.dictionary_page_header");
                    h.ReadDictionaryPageHeader(ref r);
                    break;
                case 8:
                    FieldReads.Struct(ref r, type, "PageHeader.data_page_header_v2");
                    h.ReadDataPageHeaderV2(ref r);
                    break;
                default: r.Skip(type); break;
            }
        }

        r.ExitStruct();
        if (!hasType || !hasUncompressed || !hasCompressed)
        {
            throw r.Error("page header lacks type or page sizes");
        }

        if (h.UncompressedPageSize < 0 || h.CompressedPageSize < 0)
        {
            throw r.Error($"page header has negative size (compressed {h.CompressedPageSize}, uncompressed {h.UncompressedPageSize})");
        }

        return h;
    }

    public void Write(CompactWriter w)
    {
        short last = 0;
        w.WriteI32Field(1, (int)Type, ref last);
        w.WriteI32Field(2, UncompressedPageSize, ref last);
        w.WriteI32Field(3, CompressedPageSize, ref last);
        if (Crc is { } crc)
        {
            w.WriteI32Field(4, crc, ref last);
        }

        switch (Type)
        {
            case PageType.DataPage:
                {
                    w.WriteFieldHeader(ThriftType.Struct, 5, ref last);
                    short inner = 0;
                    w.WriteI32Field(1, NumValues, ref inner);
                    w.WriteI32Field(2, (int)Encoding, ref inner);
                    w.WriteI32Field(3, (int)DefinitionLevelEncoding, ref inner);
                    w.WriteI32Field(4, (int)RepetitionLevelEncoding, ref inner);
                    if (Statistics is not null)
                    {
                        w.WriteFieldHeader(ThriftType.Struct, 5, ref inner);
                        Statistics.Write(w);
                    }

                    w.WriteStop();
                    break;
                }

            case PageType.DictionaryPage:
                {
                    w.WriteFieldHeader(ThriftType.Struct, 7, ref last);
                    short inner = 0;
                    w.WriteI32Field(1, NumValues, ref inner);
                    w.WriteI32Field(2, (int)Encoding, ref inner);
                    w.WriteStop();
                    break;
                }

            case PageType.DataPageV2:
                {
                    w.WriteFieldHeader(ThriftType.Struct, 8, ref last);
                    short inner = 0;
                    w.WriteI32Field(1, NumValues, ref inner);
                    w.WriteI32Field(2, NumNulls, ref inner);
                    w.WriteI32Field(3, NumRows, ref inner);
                    w.WriteI32Field(4, (int)Encoding, ref inner);
                    w.WriteI32Field(5, DefinitionLevelsByteLength, ref inner);
                    w.WriteI32Field(6, RepetitionLevelsByteLength, ref inner);
                    w.WriteBoolField(7, IsCompressed, ref inner);
                    if (Statistics is not null)
                    {
                        w.WriteFieldHeader(ThriftType.Struct, 8, ref inner);
                        Statistics.Write(w);
                    }

                    w.WriteStop();
                    break;
                }

            default:
                throw new InvalidOperationException($"Writing {Type} pages is not supported.");
        }

        w.WriteStop();
    }

    private void ReadDataPageHeader(ref CompactReader r)
    {
        r.EnterStruct();
        HasDataPageHeader = true;
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
                case 1: NumValues = FieldReads.I32(ref r, type, "DataPageHeader.num_values"); break;
                case 2: Encoding = (PageEncoding)FieldReads.I32(ref r, type, "DataPageHeader.encoding"); break;
                case 3: DefinitionLevelEncoding = (PageEncoding)FieldReads.I32(ref r, type, "DataPageHeader.definition_level_encoding"); break;
                case 4: RepetitionLevelEncoding = (PageEncoding)FieldReads.I32(ref r, type, "DataPageHeader.repetition_level_encoding"); break;
                case 5:
                    FieldReads.Struct(ref r, type, "DataPageHeader.statistics");
                    Statistics = ThriftStatistics.Read(ref r);
                    break;
                default: r.Skip(type); break;
            }
        }

        r.ExitStruct();
    }

    private void ReadDictionaryPageHeader(ref CompactReader r)
    {
        r.EnterStruct();
        HasDictionaryPageHeader = true;
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
                case 1: NumValues = FieldReads.I32(ref r, type, "DictionaryPageHeader.num_values"); break;
                case 2: Encoding = (PageEncoding)FieldReads.I32(ref r, type, "DictionaryPageHeader.encoding"); break;
                default: r.Skip(type); break;
            }
        }

        r.ExitStruct();
    }

    private void ReadDataPageHeaderV2(ref CompactReader r)
    {
        r.EnterStruct();
        HasDataPageHeaderV2 = true;
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
                case 1: NumValues = FieldReads.I32(ref r, type, "DataPageHeaderV2.num_values"); break;
                case 2: NumNulls = FieldReads.I32(ref r, type, "DataPageHeaderV2.num_nulls"); break;
                case 3: NumRows = FieldReads.I32(ref r, type, "DataPageHeaderV2.num_rows"); break;
                case 4: Encoding = (PageEncoding)FieldReads.I32(ref r, type, "DataPageHeaderV2.encoding"); break;
                case 5: DefinitionLevelsByteLength = FieldReads.I32(ref r, type, "DataPageHeaderV2.definition_levels_byte_length"); break;
                case 6: RepetitionLevelsByteLength = FieldReads.I32(ref r, type, "DataPageHeaderV2.repetition_levels_byte_length"); break;
                case 7: IsCompressed = FieldReads.Bool(ref r, type, "DataPageHeaderV2.is_compressed"); break;
                case 8:
                    FieldReads.Struct(ref r, type, "DataPageHeaderV2.statistics");
                    Statistics = ThriftStatistics.Read(ref r);
                    break;
                default: r.Skip(type); break;
            }
        }

        r.ExitStruct();
    }
}
