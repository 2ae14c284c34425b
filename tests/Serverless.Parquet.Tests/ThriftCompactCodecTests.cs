using Serverless.Parquet;
using Serverless.Parquet.Format;
using Serverless.Parquet.Thrift;
using Xunit;

namespace Serverless.Parquet.Tests;

public sealed class ThriftCompactCodecTests
{
    [Fact]
    public void FieldHeadersUseShortDeltaFormAndLongFormAsTheCompactSpecDefines()
    {
        var w = new CompactWriter();
        short last = 0;
        w.WriteI32Field(1, 1, ref last);      // delta 1, type i32 (5), zigzag(1) = 2
        w.WriteI64Field(20, -1, ref last);    // delta 19 > 15: long form, type i64 (6), zigzag i16 20 = 40, zigzag(-1) = 1
        w.WriteBoolField(21, true, ref last); // delta 1, type BOOLEAN_TRUE (1)
        w.WriteStop();
        Assert.Equal(new byte[] { 0x15, 0x02, 0x06, 0x28, 0x01, 0x11, 0x00 }, w.WrittenSpan.ToArray());
    }

    [Fact]
    public void VarintsAndListsFollowTheSpecBytes()
    {
        var w = new CompactWriter();
        w.WriteI32(300);           // zigzag 600 = 0xD8 0x04
        w.WriteListHeader(ThriftType.I32, 3);   // size 3 in high nibble
        w.WriteListHeader(ThriftType.Binary, 20); // long form: 0xF8 then varint 20
        Assert.Equal(new byte[] { 0xD8, 0x04, 0x35, 0xF8, 0x14 }, w.WrittenSpan.ToArray());
    }

    [Fact]
    public void UnknownFieldsOfEveryTypeAreSkipped()
    {
        // A KeyValue with extra fields a newer writer might add: a nested struct, a map, a list of structs and a double.
        var w = new CompactWriter();
        short last = 0;
        w.WriteStringField(1, "k", ref last);
        w.WriteFieldHeader(ThriftType.Struct, 50, ref last);
        short inner = 0;
        w.WriteI64Field(1, 42, ref inner);
        w.WriteFieldHeader(ThriftType.List, 2, ref inner);
        w.WriteListHeader(ThriftType.Struct, 2);
        w.WriteStop();
        w.WriteStop();
        w.WriteStop();
        w.WriteFieldHeader(ThriftType.Map, 51, ref last);
        w.WriteVarint(1);
        w.WriteRawByte(0x85); // binary keys, i32 values
        w.WriteString("x");
        w.WriteI32(5);
        w.WriteFieldHeader(ThriftType.Double, 52, ref last);
        w.WriteDouble(1.5);
        w.WriteFieldHeader(ThriftType.Binary, 2, ref last);
        w.WriteString("v");
        w.WriteStop();
        var r = new CompactReader(w.WrittenSpan, 0);
        var pair = ThriftKeyValue.Read(ref r);
        Assert.Equal(new KeyValuePair<string, string?>("k", "v"), pair);
        Assert.Equal(w.Length, r.Position);
    }

    [Fact]
    public void FileMetaDataRoundTripsThroughBytes()
    {
        var schema = new ParquetSchema(SampleTables.AllTypes(required: false).Columns);
        var meta = new FileMetaData
        {
            Schema = SchemaConversion.ToElements(schema),
            NumRows = 12345,
            CreatedBy = "test",
            ColumnOrderCount = schema.Count,
            KeyValueMetadata = [new("a", "1"), new("b", null)],
            RowGroups =
            [
                new RowGroup
                {
                    NumRows = 12345,
                    TotalByteSize = 999,
                    Columns =
                    [
                        new ColumnMetaData
                        {
                            Type = ParquetPhysicalType.Int64, Encodings = [PageEncoding.Plain, PageEncoding.Rle], PathInSchema = ["x"],
                            Codec = ParquetCompression.Snappy, NumValues = 12345, TotalCompressedSize = 10, TotalUncompressedSize = 20,
                            DataPageOffset = 4, DictionaryPageOffset = 4, FileOffset = 4,
                            Statistics = new ThriftStatistics { NullCount = 3, MinValue = [1, 2], MaxValue = [3, 4] },
                        },
                    ],
                },
            ],
        };
        var w = new CompactWriter();
        meta.Write(w);
        var bytes = w.WrittenSpan.ToArray();
        var back = FileMetaData.Read(bytes, 0);
        Assert.Equal(12345, back.NumRows);
        Assert.Equal("test", back.CreatedBy);
        Assert.Equal(schema.Count, back.ColumnOrderCount);
        Assert.Equal(meta.KeyValueMetadata, back.KeyValueMetadata);
        Assert.Equal(schema.Columns, SchemaConversion.FromElements(back.Schema, 0).Columns);
        var c = back.RowGroups[0].Columns[0];
        Assert.Equal([PageEncoding.Plain, PageEncoding.Rle], c.Encodings);
        Assert.Equal(["x"], c.PathInSchema);
        Assert.Equal(4, c.DictionaryPageOffset);
        Assert.Equal(new byte[] { 1, 2 }, c.Statistics!.MinValue);
        Assert.Equal(3, c.Statistics.NullCount);

        // Writing what we read gives the same bytes.
        var again = new CompactWriter();
        back.Write(again);
        Assert.Equal(bytes, again.WrittenSpan.ToArray());
    }

    [Theory]
    [InlineData(new byte[] { 0x29, 0xEC }, "list of 14 elements")]   // schema list claiming more elements than bytes remain
    [InlineData(new byte[] { 0x68, 0xFF, 0xFF, 0xFF, 0x0F }, "binary length")] // created_by longer than the data
    [InlineData(new byte[] { 0x1D }, "invalid thrift field type")]     // type 13 does not exist
    [InlineData(new byte[] { 0x15 }, "ends early")]                    // truncated value
    public void CorruptThriftFailsWithTheOffsetAndTheProblem(byte[] bytes, string problem)
    {
        var e = Assert.Throws<ParquetFormatException>(() => FileMetaData.Read(bytes, 1000));
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        Assert.InRange(e.FileOffset, 1000, 1000 + bytes.Length);
    }

    [Fact]
    public void DeeplyNestedStructsAreRefusedInsteadOfOverflowingTheStack()
    {
        var bytes = new byte[10_000];
        Array.Fill(bytes, (byte)0xFC); // an unknown struct field (delta 15) inside itself, again and again
        var e = Assert.Throws<ParquetFormatException>(() => FileMetaData.Read(bytes, 0));
        Assert.Contains("nested deeper", e.Message, StringComparison.Ordinal);
    }
}
