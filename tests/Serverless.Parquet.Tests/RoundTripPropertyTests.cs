using FsCheck;
using FsCheck.Fluent;
using Serverless.Parquet;
using Xunit;

namespace Serverless.Parquet.Tests;

public sealed class RoundTripPropertyTests
{
    private static readonly Func<Random, bool, ParquetColumn>[] ColumnKinds =
    [
        (r, req) => ParquetColumn.Boolean("c", req),
        (r, req) => ParquetColumn.Int8("c", req),
        (r, req) => ParquetColumn.Int16("c", req),
        (r, req) => ParquetColumn.Int32("c", req),
        (r, req) => ParquetColumn.Int64("c", req),
        (r, req) => ParquetColumn.Float("c", req),
        (r, req) => ParquetColumn.Double("c", req),
        (r, req) => ParquetColumn.String("c", req),
        (r, req) => ParquetColumn.Json("c", req),
        (r, req) => ParquetColumn.Binary("c", req),
        (r, req) => ParquetColumn.FixedBinary("c", r.Next(1, 20), req),
        (r, req) => ParquetColumn.Date("c", req),
        (r, req) => ParquetColumn.Timestamp("c", r.Next(2) == 0, req),
        (r, req) => ParquetColumn.Time("c", req),
        (r, req) => { var p = r.Next(1, 39); return ParquetColumn.Decimal("c", p, r.Next(0, p + 1), req); },
    ];

    [Fact]
    public void RandomSchemasAndValuesRoundTrip()
    {
        var property = Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed => RoundTrips(seed));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(30), property);
    }

    private static bool RoundTrips(int seed)
    {
        var random = new Random(seed);
        var columns = Enumerable.Range(0, random.Next(1, 7))
            .Select(i => ColumnKinds[random.Next(ColumnKinds.Length)](random, random.Next(3) == 0) with { Name = $"c{i}", FieldId = i + 1 })
            .ToList();
        var schema = new ParquetSchema(columns);
        var rowCount = random.Next(0, 1500);
        var rows = new List<object?[]>(rowCount);
        for (var r = 0; r < rowCount; r++)
        {
            rows.Add(columns.Select(c => !c.IsRequired && random.Next(6) == 0 ? null : RandomValue(random, c)).ToArray());
        }

        var options = new ParquetWriterOptions
        {
            Compression = (ParquetCompression)random.Next(0, 3),
            EnableDictionary = random.Next(2) == 0,
            MaxRowsPerPage = random.Next(1, 400),
            RowGroupTargetBytes = random.Next(500, 50_000),
            DictionaryPageSizeLimit = random.Next(16, 4096),
        };
        using var ms = new MemoryStream();
        using (var writer = new ParquetWriter(ms, schema, options, leaveOpen: true))
        {
            foreach (var row in rows)
            {
                writer.WriteRow(row);
            }
        }

        using var reader = ParquetReader.Open(new MemoryStream(ms.ToArray()));
        var read = reader.ReadRows().ToList();
        if (read.Count != rows.Count || !reader.Schema.Columns.SequenceEqual(schema.Columns))
        {
            return false;
        }

        for (var r = 0; r < rows.Count; r++)
        {
            for (var c = 0; c < columns.Count; c++)
            {
                if (!Equals(rows[r][c], read[r][c]) && !(rows[r][c] is byte[] a && read[r][c] is byte[] b && a.AsSpan().SequenceEqual(b)))
                {
                    throw new InvalidOperationException($"seed {seed}, row {r}, column {columns[c]}: wrote {rows[r][c]}, read {read[r][c]}");
                }
            }
        }

        return true;
    }

    private static object RandomValue(Random r, ParquetColumn c)
    {
        var edge = r.Next(8) == 0;
        switch (c.LogicalType?.Kind)
        {
            case ParquetLogicalTypeKind.Integer when c.LogicalType.BitWidth == 8:
                return edge ? (r.Next(2) == 0 ? (int)sbyte.MinValue : sbyte.MaxValue) : r.Next(-128, 128);
            case ParquetLogicalTypeKind.Integer:
                return edge ? (r.Next(2) == 0 ? (int)short.MinValue : short.MaxValue) : r.Next(-32768, 32768);
            case ParquetLogicalTypeKind.Date:
                return DateOnly.FromDayNumber(r.Next(0, DateOnly.MaxValue.DayNumber + 1));
            case ParquetLogicalTypeKind.Timestamp:
                {
                    var micros = r.NextInt64(DateTime.MinValue.Ticks / 10, DateTime.MaxValue.Ticks / 10);
                    return new DateTime(micros * 10, c.LogicalType.IsAdjustedToUtc ? DateTimeKind.Utc : DateTimeKind.Unspecified);
                }

            case ParquetLogicalTypeKind.Time:
                return new TimeOnly(r.NextInt64(0, TimeOnly.MaxValue.Ticks / 10) * 10);
            case ParquetLogicalTypeKind.Decimal:
                {
                    var p = c.LogicalType.Precision;
                    Int128 limit = 1;
                    for (var i = 0; i < p; i++)
                    {
                        limit *= 10;
                    }

                    Int128 v = edge ? limit - 1 : (Int128)r.NextInt64() * r.NextInt64() % limit;
                    return new ParquetDecimal(r.Next(2) == 0 ? v : -v, c.LogicalType.Scale);
                }

            case ParquetLogicalTypeKind.String:
            case ParquetLogicalTypeKind.Json:
                return edge ? (r.Next(2) == 0 ? "" : new string('é', r.Next(1000, 5000))) : $"s{r.Next(0, 30)}-😀-{(r.Next(3) == 0 ? r.Next() : 0)}";
        }

        switch (c.PhysicalType)
        {
            case ParquetPhysicalType.Boolean: return r.Next(2) == 0;
            case ParquetPhysicalType.Int32: return edge ? (r.Next(2) == 0 ? int.MinValue : int.MaxValue) : r.Next(-50, 50) * (r.Next(2) == 0 ? 1 : 1_000_000);
            case ParquetPhysicalType.Int64: return edge ? (r.Next(2) == 0 ? long.MinValue : long.MaxValue) : r.NextInt64(-100, 100) * (r.Next(2) == 0 ? 1 : 1_000_000_000_000);
            case ParquetPhysicalType.Float: return edge ? new[] { float.NaN, -0.0f, 0.0f, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon }[r.Next(6)] : (float)(r.NextDouble() * 100 - 50);
            case ParquetPhysicalType.Double: return edge ? new[] { double.NaN, -0.0, 0.0, double.PositiveInfinity, double.NegativeInfinity, double.MaxValue }[r.Next(6)] : r.NextDouble() * 1e6 - 5e5;
            case ParquetPhysicalType.FixedLenByteArray:
                {
                    var bytes = new byte[c.TypeLength];
                    r.NextBytes(bytes);
                    return bytes;
                }

            default:
                {
                    var bytes = new byte[edge ? r.Next(0, 3000) : r.Next(0, 8)];
                    r.NextBytes(bytes);
                    return bytes;
                }
        }
    }
}
