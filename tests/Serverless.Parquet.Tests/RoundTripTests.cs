using Serverless.Parquet;
using Xunit;

namespace Serverless.Parquet.Tests;

public sealed class RoundTripTests
{
    [Theory]
    [InlineData(ParquetCompression.Snappy, true, false)]
    [InlineData(ParquetCompression.Gzip, false, false)]
    [InlineData(ParquetCompression.Uncompressed, false, true)]
    [InlineData(ParquetCompression.Snappy, false, true)]
    public void EveryTypeReadsBackAsWritten(ParquetCompression compression, bool required, bool dictionary)
    {
        var schema = SampleTables.AllTypes(required);
        var options = new ParquetWriterOptions { Compression = compression, EnableDictionary = dictionary, MaxRowsPerPage = 97, RowGroupTargetBytes = 20_000 };
        var rows = Enumerable.Range(0, 2500).Select(i => !required && i % 11 == 10 ? new object?[schema.Count] : SampleTables.Row(i)).ToList();
        using var ms = new MemoryStream();
        using (var writer = new ParquetWriter(ms, schema, options, leaveOpen: true))
        {
            foreach (var r in rows)
            {
                writer.WriteRow(r);
            }
        }

        using var reader = ParquetReader.Open(new MemoryStream(ms.ToArray()));
        Assert.True(reader.RowGroups.Count > 1, "several row groups expected");
        Assert.Equal(schema.Columns, reader.Schema.Columns);
        var read = reader.ReadRows().ToList();
        Assert.Equal(rows.Count, read.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(rows[i], read[i]);
        }
    }
}
