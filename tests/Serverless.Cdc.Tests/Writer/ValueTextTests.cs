using Serverless.Cdc.Schema;
using Serverless.Cdc.Writer;
using Serverless.Delta.Schema;
using Serverless.Parquet;

namespace Serverless.Cdc.Tests.Writer;

/// <summary>The server's text forms the stream rebuilds from binlog values (the integration test compares them with MariaDB's).</summary>
public sealed class ValueTextTests
{
    [Theory]
    [InlineData(0, 0, "00:00:00")]
    [InlineData(-1, 6, "-00:00:00.000001")]
    [InlineData(3_020_000_000_000L, 0, "838:53:20")]
    [InlineData(-3_020_999_999_000L, 3, "-839:09:59.999")]
    [InlineData(45_296_500_000L, 1, "12:34:56.5")]
    public void TimeIsPrintedWithItsFractionDigits(long micros, int fsp, string text) => Assert.Equal(text, ChangeRowConverter.TimeText(micros, fsp));

    [Theory]
    [InlineData("enum('a','b','c d')", new[] { "a", "b", "c d" })]
    [InlineData("set('x','it''s','')", new[] { "x", "it's", "" })]
    [InlineData("enum('(,)')", new[] { "(,)" })]
    public void EnumAndSetLabelsAreReadFromTheColumnType(string columnType, string[] labels)
    {
        var column = new MappedColumn(
            new SourceColumn { Name = "c", Ordinal = 1, DataType = columnType[..columnType.IndexOf('(', StringComparison.Ordinal)], ColumnType = columnType },
            PrimitiveType.String,
            true,
            ParquetColumn.String("c"),
            ValueConversion.Text);
        Assert.Equal(labels, ChangeRowConverter.Labels(column));
    }

    [Fact]
    public void Latin1IsWindows1252LikeTheServer()
    {
        Assert.Equal("€‰Ÿ\u0081café", MySqlLatin1.Decode([0x80, 0x89, 0x9F, 0x81, 0x63, 0x61, 0x66, 0xE9]));
    }

    [Theory]
    [InlineData("inet4", "0A010203", "10.1.2.3")]
    [InlineData("inet6", "00000000000000000000000000000000", "::")]
    [InlineData("inet6", "00000000000000000000000000000001", "::1")]
    [InlineData("inet6", "00000000000000000000ffff01020304", "::ffff:1.2.3.4")]
    [InlineData("inet6", "00000000000000000000000001020304", "::1.2.3.4")]
    [InlineData("inet6", "00010000000000020000000000000003", "1:0:0:2::3")]
    [InlineData("inet6", "00010000000200000003000000040000", "1::2:0:3:0:4:0")]
    [InlineData("uuid", "123e4567e89b12d3a456426614174000", "123e4567-e89b-12d3-a456-426614174000")]
    public void MariaDbTypesArePrintedAsTheServerPrintsThem(string type, string hex, string text) =>
        Assert.Equal(text, MariaDbTypeText.Format(type, Convert.FromHexString(hex)));

    [Fact]
    public void AStoredValueOfTheWrongLengthIsNamed()
    {
        var error = Assert.Throws<FormatException>(() => MariaDbTypeText.Format("inet6", new byte[4]));
        Assert.Contains("INET6", error.Message, StringComparison.Ordinal);
    }
}
