using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using Serverless.Parquet.Format;
using Serverless.Parquet.Thrift;
using Serverless.Parquet.Writing;
using Xunit;

namespace Serverless.Parquet.Tests;

/// <summary>The writer paths a snapshot leans on: pooled dictionaries, the early dictionary decision, 64-bit decimals.</summary>
public sealed class SnapshotWriterPathTests
{
    [Fact]
    public void NumericDictionaryAssignsIndicesInFirstSeenOrderLikeADictionary()
    {
        Prop.ForAll(
            Gen.Choose(-50, 50).Select(v => (long)v * 1_000_000_007L).ArrayOf().ToArbitrary(),
            keys =>
            {
                using var ours = new NumericDictionary();
                var expected = new Dictionary<long, int>();
                foreach (var key in keys)
                {
                    var index = ours.GetOrAdd(key, out var added);
                    var isNew = expected.TryAdd(key, expected.Count);
                    if (index != expected[key] || added != isNew || ours.Count != expected.Count)
                    {
                        return false;
                    }
                }

                return true;
            }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void NumericDictionaryGrowsPastManyRehashesAndClears()
    {
        using var dictionary = new NumericDictionary();
        for (long i = 0; i < 100_000; i++)
        {
            Assert.Equal((int)i, dictionary.GetOrAdd(i << 20, out var added));
            Assert.True(added);
        }

        Assert.Equal(42, dictionary.GetOrAdd(42L << 20, out var again));
        Assert.False(again);
        dictionary.Clear();
        Assert.Equal(0, dictionary.GetOrAdd(7, out var fresh));
        Assert.True(fresh);
    }

    [Fact]
    public void DistinctValuesLeaveTheDictionaryAfterTheFirstFewThousand()
    {
        var schema = new ParquetSchema(ParquetColumn.Int64("id", isRequired: true), ParquetColumn.String("kind", isRequired: true));
        var batch = new ParquetRowBatch(schema, 50_000);
        for (var i = 0; i < 50_000; i++)
        {
            batch.Columns[0].Append(i * 3L);
            batch.Columns[1].Append("kind-" + (i % 7));
        }

        using var output = new MemoryStream();
        using (var writer = new ParquetWriter(output, schema, new ParquetWriterOptions(), leaveOpen: true))
        {
            writer.WriteBatch(batch);
        }

        var file = output.ToArray();
        var footer = ReadFooter(file);
        var ids = footer.RowGroups[0].Columns[0];
        var kinds = footer.RowGroups[0].Columns[1];

        // Unique ids: the dictionary stops after the first few thousand values (a page is 20,000), the rest is PLAIN.
        Assert.InRange(DictionaryEntries(file, ids), 4_096, 8_192);

        // Seven distinct kinds: one dictionary for all 50,000 values.
        Assert.Equal(7, DictionaryEntries(file, kinds));

        using var reader = ParquetReader.Open(new MemoryStream(file));
        var back = reader.ReadRowGroup(0);
        Assert.Equal(batch.Columns[0].Int64Values.ToArray(), back.Columns[0].Int64Values.ToArray());
    }

    [Theory]
    [InlineData(9, 2, 123_456_789L, 2)]
    [InlineData(18, 4, -999_999_999_999_999_999L, 4)]
    [InlineData(12, 2, 5L, 0)]
    [InlineData(10, 3, 0L, 3)]
    public void DecimalsFromSixtyFourBitsMatchTheGeneralPath(int precision, int scale, long unscaled, int textScale)
    {
        var column = ParquetColumn.Decimal("d", precision, scale);
        var fast = new ParquetColumnBuffer(column);
        var general = new ParquetColumnBuffer(column);
        fast.AppendDecimal(unscaled, textScale);
        general.Append(new ParquetDecimal(unscaled, textScale));
        Assert.Equal(general.GetDecimal(0), fast.GetDecimal(0));
    }

    [Fact]
    public void DecimalsFromSixtyFourBitsOutsideThePrecisionAreRefused()
    {
        var buffer = new ParquetColumnBuffer(ParquetColumn.Decimal("d", 5, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.AppendDecimal(100_000, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.AppendDecimal(-100_000, 2));
        buffer.AppendDecimal(99_999, 2);
        Assert.Equal(new ParquetDecimal(99_999, 2), buffer.GetDecimal(0));
    }

    private static FileMetaData ReadFooter(byte[] file)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(file.Length - 8));
        var start = file.Length - 8 - length;
        return FileMetaData.Read(file.AsSpan(start, length), start);
    }

    private static int DictionaryEntries(byte[] file, ColumnMetaData chunk)
    {
        var offset = chunk.DictionaryPageOffset ?? throw new InvalidOperationException("no dictionary page");
        var r = new CompactReader(file.AsSpan((int)offset), offset);
        var header = PageHeader.Read(ref r);
        Assert.Equal(PageType.DictionaryPage, header.Type);
        return header.NumValues;
    }
}
