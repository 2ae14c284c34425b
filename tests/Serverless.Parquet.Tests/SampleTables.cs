using Serverless.Parquet;

namespace Serverless.Parquet.Tests;

/// <summary>A schema with every type the writer supports, and rows with edge values.</summary>
internal static class SampleTables
{
    public static ParquetSchema AllTypes(bool required) => new(
        ParquetColumn.Boolean("b", required, fieldId: 1),
        ParquetColumn.Int8("i8", required, 2),
        ParquetColumn.Int16("i16", required, 3),
        ParquetColumn.Int32("i32", required, 4),
        ParquetColumn.Int64("i64", required, 5),
        ParquetColumn.Float("f", required, 6),
        ParquetColumn.Double("d", required, 7),
        ParquetColumn.String("s", required, 8),
        ParquetColumn.Json("j", required, 9),
        ParquetColumn.Binary("bin", required, 10),
        ParquetColumn.Date("date", required, 11),
        ParquetColumn.Timestamp("ts", isAdjustedToUtc: true, required, 12),
        ParquetColumn.Timestamp("ts_ntz", isAdjustedToUtc: false, required, 13),
        ParquetColumn.Time("t", required, 14),
        ParquetColumn.Decimal("dec9", 9, 2, required, 15),
        ParquetColumn.Decimal("dec18", 18, 4, required, 16),
        ParquetColumn.Decimal("dec38", 38, 10, required, 17));

    public static object?[] Row(int i)
    {
        var sign = i % 2 == 0 ? 1 : -1;
        return
        [
            i % 3 == 0,
            (int)(sbyte)(i * 7),
            (int)(short)(i * 1031),
            i == 1 ? int.MinValue : i == 2 ? int.MaxValue : i * 48271 * sign,
            i == 1 ? long.MinValue : i == 2 ? long.MaxValue : (long)i * 1_000_000_007L * sign,
            i == 3 ? float.NaN : i == 4 ? -0.0f : i * 0.5f * sign,
            i == 3 ? double.PositiveInfinity : i == 4 ? -0.0 : i * 1.25 * sign,
            i == 5 ? "" : i == 6 ? new string('x', 5000) : $"text-{i % 17}-ü€😀",
            $"{{\"k\":{i}}}",
            new byte[] { (byte)i, 0, 255, (byte)(i >> 8) },
            DateOnly.FromDayNumber(700_000 + (i * 13)),
            new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(i * 123_456_789_0L),
            new DateTime(1960, 6, 1, 12, 0, 0, DateTimeKind.Unspecified).AddTicks(i * 987_654_321_0L),
            new TimeOnly(i % 24, i % 60, i % 60).Add(TimeSpan.FromTicks(i * 10 % 10_000_000)),
            new ParquetDecimal(1234567 * sign + i, 2),
            new ParquetDecimal((99_999_999_999_999L - i) * sign, 4),
            i == 7 ? ParquetDecimal.Parse("9999999999999999999999999999.9999999999")
                : i == 8 ? ParquetDecimal.Parse("-9999999999999999999999999999.9999999999")
                : new ParquetDecimal(Int128.Parse("12345678901234567890123456789") * sign + i, 10),
        ];
    }
}
