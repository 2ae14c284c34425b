using Serverless.Cdc.Schema;
using Serverless.Cdc.Snapshot;

namespace Serverless.Cdc.Tests;

public sealed class KeysetPredicateTests
{
    private static SourceColumn Col(string name, string type = "int", string? charset = null) =>
        new() { Name = name, Ordinal = 1, DataType = type, ColumnType = type, IsNullable = false, CharacterSet = charset };

    [Fact]
    public void SingleColumnRangeIsHalfOpen()
    {
        var sql = KeysetPredicate.Build([Col("id")], [new KeyValue(KeyValueKind.Number, "10")], [new KeyValue(KeyValueKind.Number, "20")]);

        Assert.Equal("`id` >= 10 AND `id` < 20", sql);
    }

    [Fact]
    public void OpenBoundsAreLeftOut()
    {
        Assert.Null(KeysetPredicate.Build([Col("id")], null, null));
        Assert.Equal("`id` < 5", KeysetPredicate.Build([Col("id")], null, [new KeyValue(KeyValueKind.Number, "5")]));
    }

    [Fact]
    public void CompositeBoundsExpandRowComparisonWithLeadingRangeOnFirstColumn()
    {
        var lower = new[] { new KeyValue(KeyValueKind.Number, "1"), new KeyValue(KeyValueKind.Number, "2"), new KeyValue(KeyValueKind.Number, "3") };

        var sql = KeysetPredicate.Build([Col("a"), Col("b"), Col("c")], lower, null);

        Assert.Equal("(`a` >= 1 AND (`a` > 1 OR (`a` = 1 AND (`b` > 2 OR (`b` = 2 AND `c` >= 3)))))", sql);
    }

    [Fact]
    public void TextBoundsAreHexLiteralsInTheColumnCharset()
    {
        var bound = new KeyValue(KeyValueKind.Text, "4F27", "latin1");

        Assert.Equal("`s` >= _latin1 X'4F27'", KeysetPredicate.Build([Col("s", "varchar", "latin1")], [bound], null));
        Assert.Equal("'2024-01-02 03:04:05'", new KeyValue(KeyValueKind.Temporal, "2024-01-02 03:04:05").ToSql());
    }

    [Fact]
    public void BoundWithMoreValuesThanKeyColumnsIsRefused()
    {
        var one = new KeyValue(KeyValueKind.Number, "1");

        Assert.Throws<ArgumentException>(() => KeysetPredicate.Build([Col("a")], [one, one], null));
        Assert.Throws<ArgumentException>(() => KeysetPredicate.Build([Col("a"), Col("b")], [], null));
    }

    [Fact]
    public void PrefixBoundComparesTheLeadingColumnOnly()
    {
        var sql = KeysetPredicate.Build([Col("id"), Col("from_date", "date")], [new KeyValue(KeyValueKind.Number, "10")], [new KeyValue(KeyValueKind.Number, "20")]);

        Assert.Equal("`id` >= 10 AND `id` < 20", sql);
    }

    /// <summary>A prefix bound sorts before every tuple that starts with it, so it tiles with full bounds on both sides.</summary>
    [Fact]
    public void PrefixAndFullBoundsTogetherPartitionEveryTuple()
    {
        var columns = new[] { Col("a"), Col("b") };
        var prefix = new[] { new KeyValue(KeyValueKind.Number, "2") };
        var full = new[] { new KeyValue(KeyValueKind.Number, "3"), new KeyValue(KeyValueKind.Number, "1") };
        var ranges = new[]
        {
            KeysetPredicate.Build(columns, null, prefix)!,
            KeysetPredicate.Build(columns, prefix, full)!,
            KeysetPredicate.Build(columns, full, null)!,
        };
        for (var a = 0; a < 5; a++)
        {
            for (var b = 0; b < 5; b++)
            {
                Assert.Equal(1, ranges.Count(r => Evaluate(r, a, b)));
                Assert.Equal(a < 2, Evaluate(ranges[0], a, b));
                Assert.Equal(a == 2 || (a == 3 && b < 1), Evaluate(ranges[1], a, b));
            }
        }
    }

    /// <summary>Lower and upper forms are complements: every key tuple is in exactly one of [-inf, B) and [B, +inf).</summary>
    [Fact]
    public void LowerAndUpperFormsPartitionEveryTuple()
    {
        var columns = new[] { Col("a"), Col("b") };
        var boundary = new[] { new KeyValue(KeyValueKind.Number, "2"), new KeyValue(KeyValueKind.Number, "2") };
        var below = KeysetPredicate.Build(columns, null, boundary)!;
        var above = KeysetPredicate.Build(columns, boundary, null)!;
        for (var a = 0; a < 5; a++)
        {
            for (var b = 0; b < 5; b++)
            {
                Assert.NotEqual(Evaluate(below, a, b), Evaluate(above, a, b));
                Assert.Equal(a < 2 || (a == 2 && b < 2), Evaluate(below, a, b));
            }
        }
    }

    private static bool Evaluate(string predicate, int a, int b)
    {
        // Tiny evaluator for the generated form: substitute values and evaluate with DataTable's expression engine.
        var expression = predicate.Replace("`a`", a.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("`b`", b.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        using var table = new System.Data.DataTable { Locale = System.Globalization.CultureInfo.InvariantCulture };
        return (bool)table.Compute(expression, null);
    }
}
