using Xunit;

namespace Serverless.Parquet.Tests;

/// <summary>Copying selected rows between column buffers, and dropping a partly appended row, give what the value API gives.</summary>
public sealed class ColumnBufferRowCopyTests
{
    private static readonly ParquetColumn[] Columns =
    [
        ParquetColumn.Boolean("b"),
        ParquetColumn.Int32("i"),
        ParquetColumn.Int64("l"),
        ParquetColumn.Float("f"),
        ParquetColumn.Double("d"),
        ParquetColumn.String("s"),
        ParquetColumn.Binary("x"),
        ParquetColumn.Decimal("m", 38, 0),
        ParquetColumn.Decimal("n", 10, 2),
        ParquetColumn.Date("day"),
        ParquetColumn.Timestamp("t", isAdjustedToUtc: true),
    ];

    private static object? RandomValue(ParquetColumn column, Random random)
    {
        if (random.Next(5) == 0)
        {
            return null;
        }

        return column.Name switch
        {
            "b" => random.Next(2) == 0,
            "i" => random.Next(int.MinValue, int.MaxValue),
            "l" => random.NextInt64(),
            "f" => (float)random.NextDouble(),
            "d" => random.NextDouble() * 1e10,
            "s" => new string('a', random.Next(0, 40)) + random.Next(),
            "x" => Enumerable.Range(0, random.Next(0, 20)).Select(_ => (byte)random.Next(256)).ToArray(),
            "m" => new ParquetDecimal((Int128)random.NextInt64() * random.NextInt64(), 0),
            "n" => new ParquetDecimal(random.Next(-99_999_999, 99_999_999), 2),
            "day" => new DateOnly(2000, 1, 1).AddDays(random.Next(20_000)),
            _ => DateTime.UnixEpoch.AddTicks(random.NextInt64(0, 4_000_000_000_000_000) * 10),
        };
    }

    [Fact]
    public void SelectedRowsCopyToTheValuesTheRowApiWouldAppend()
    {
        var random = new Random(11);
        foreach (var column in Columns)
        {
            var source = new ParquetColumnBuffer(column, 4);
            var values = Enumerable.Range(0, 300).Select(_ => RandomValue(column, random)).ToList();
            values.ForEach(source.AppendValue);
            int[] rows = [.. Enumerable.Range(0, 200).Select(_ => random.Next(values.Count))];

            var copied = new ParquetColumnBuffer(column, 2);
            copied.AppendValue(RandomValue(column, random) ?? RandomValue(column, random));
            copied.AppendRows(source, rows);
            var expected = new ParquetColumnBuffer(column, 2);
            expected.AppendValue(copied.GetValue(0));
            foreach (var row in rows)
            {
                expected.AppendValue(values[row]);
            }

            AssertSame(expected, copied);
        }
    }

    [Fact]
    public void RowsOfAnOptionalColumnCopyToTheRequiredColumnAndANullThereIsRefused()
    {
        var optional = new ParquetColumnBuffer(ParquetColumn.Int64("l"));
        optional.Append(5L);
        optional.AppendNull();
        var required = new ParquetColumnBuffer(ParquetColumn.Int64("l", isRequired: true));

        required.AppendRows(optional, [0, 0]);
        Assert.Equal([5L, 5L], required.Int64Values.ToArray());
        Assert.Throws<ArgumentException>(() => required.AppendRows(optional, [1]));
        Assert.Throws<ArgumentException>(() => new ParquetColumnBuffer(ParquetColumn.Int32("l")).AppendRows(optional, [0]));
    }

    [Fact]
    public void TruncateDropsTheLaterValuesAndTheirNullsAndAppendingGoesOnFromThere()
    {
        var random = new Random(5);
        foreach (var column in Columns)
        {
            var values = Enumerable.Range(0, 50).Select(_ => RandomValue(column, random)).ToList();
            values.Insert(30, null);
            var buffer = new ParquetColumnBuffer(column, 8);
            values.ForEach(buffer.AppendValue);
            buffer.Truncate(20);
            var more = Enumerable.Range(0, 10).Select(_ => RandomValue(column, random)).ToList();
            more.ForEach(buffer.AppendValue);

            var expected = new ParquetColumnBuffer(column, 8);
            values.Take(20).Concat(more).ToList().ForEach(expected.AppendValue);
            AssertSame(expected, buffer);
        }
    }

    private static void AssertSame(ParquetColumnBuffer expected, ParquetColumnBuffer actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.NullCount, actual.NullCount);
        Assert.Equal(expected.Nulls.ToArray(), actual.Nulls.ToArray());
        for (var i = 0; i < expected.Count; i++)
        {
            var (e, a) = (expected.GetValue(i), actual.GetValue(i));
            Assert.True(e is byte[] x && a is byte[] y ? x.AsSpan().SequenceEqual(y) : Equals(e, a), $"{expected.Column.Name} row {i}: expected {e}, got {a}");
        }

        Assert.Equal(expected.ByteData.ToArray(), actual.ByteData.ToArray());
    }
}
