using System.Buffers.Binary;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Serverless.Parquet.Tests;

/// <summary>
/// Values appended with <see cref="ParquetColumnBuffer.AppendRepeated(bool, int)"/> take the writer's run fast path; the
/// file must be byte for byte the file the same values appended one by one give.
/// </summary>
public sealed class RepeatedValueWriterTests
{
    private static readonly Func<Random, bool, ParquetColumn>[] ColumnKinds =
    [
        (r, req) => ParquetColumn.Boolean("c", req),
        (r, req) => ParquetColumn.Int32("c", req),
        (r, req) => ParquetColumn.Int64("c", req),
        (r, req) => ParquetColumn.Float("c", req),
        (r, req) => ParquetColumn.Double("c", req),
        (r, req) => ParquetColumn.String("c", req),
        (r, req) => ParquetColumn.FixedBinary("c", r.Next(1, 20), req),
        (r, req) => ParquetColumn.Decimal("c", 38, 0, req),
        (r, req) => ParquetColumn.Timestamp("c", isAdjustedToUtc: true, req),
    ];

    private enum SegmentKind
    {
        Repeated,
        OneByOne,
        Nulls,
    }

    [Fact]
    public void RandomRunsMixedWithOtherValuesWriteTheSameBytesAsOneByOne()
    {
        var property = Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed => SameBytes(seed));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(200), property);
    }

    [Fact]
    public void SnapshotShapedBatchesWithTwoConstantsInOneFileWriteTheSameBytesAsOneByOne()
    {
        // The chunk reader's shape: four source columns, then position, time and soft-delete flag that are one value
        // per chunk; here the constants change mid-file so one row group holds two of each.
        var schema = new ParquetSchema(
            ParquetColumn.Int32("id", isRequired: true),
            ParquetColumn.Int32("k", isRequired: false),
            ParquetColumn.Date("d1", isRequired: true),
            ParquetColumn.Date("d2", isRequired: false),
            ParquetColumn.Decimal("_cdc_position", 38, 0, isRequired: true),
            ParquetColumn.Timestamp("_cdc_ts", isAdjustedToUtc: true, isRequired: true),
            ParquetColumn.Boolean("_cdc_deleted", isRequired: true));
        var perRow = new ParquetRowBatch(schema, 4096);
        var repeated = new ParquetRowBatch(schema, 4096);
        using var one = new MemoryStream();
        using var runs = new MemoryStream();
        var options = new ParquetWriterOptions { CreatedBy = "test" };
        using (var perRowWriter = new ParquetWriter(one, schema, options, leaveOpen: true))
        using (var repeatedWriter = new ParquetWriter(runs, schema, options, leaveOpen: true))
        {
            var id = 0;
            for (var b = 0; b < 12; b++)
            {
                var position = Position(b < 7 ? 1_000_000_007UL << 40 : 1_000_000_009UL << 40);
                var micros = b < 7 ? 1_700_000_000_000_000L : 1_700_000_123_456_789L;
                var rows = b == 11 ? 1_234 : 4096;
                for (var r = 0; r < rows; r++, id++)
                {
                    foreach (var batch in new[] { perRow, repeated })
                    {
                        batch.Columns[0].Append(id);
                        if (id % 97 == 0)
                        {
                            batch.Columns[1].AppendNull();
                        }
                        else
                        {
                            batch.Columns[1].Append(id % 1000);
                        }

                        batch.Columns[2].Append(18_000 + (id % 3000));
                        batch.Columns[3].Append(19_000 + (id / 5000));
                    }

                    perRow.Columns[4].Append(position);
                    perRow.Columns[5].Append(micros);
                    perRow.Columns[6].Append(false);
                }

                repeated.Columns[4].AppendRepeated(position, rows);
                repeated.Columns[5].AppendRepeated(micros, rows);
                repeated.Columns[6].AppendRepeated(false, rows);
                perRowWriter.WriteBatch(perRow);
                repeatedWriter.WriteBatch(repeated);
                perRow.Clear();
                repeated.Clear();
            }
        }

        Assert.True(one.Length > 10_000, $"{one.Length} bytes");
        Assert.Equal(one.ToArray(), runs.ToArray());
        using var reader = ParquetReader.Open(new MemoryStream(runs.ToArray()));
        var read = Assert.Single(reader.RowGroups.Select(g => reader.ReadRowGroup(g.Index)));
        Assert.Equal((11 * 4096) + 1_234, read.RowCount);
        Assert.Equal(1_700_000_000_000_000L, read.Columns[5].Int64Values[(7 * 4096) - 1]);
        Assert.Equal(1_700_000_123_456_789L, read.Columns[5].Int64Values[7 * 4096]);
    }

    [Fact]
    public void RepeatedValuesReadBackLikeAppendedOnesAfterTruncateAndMerge()
    {
        var buffer = new ParquetColumnBuffer(ParquetColumn.String("s", isRequired: false), 4);
        buffer.Append("a");
        buffer.AppendRepeated("xy"u8, 3);
        buffer.AppendRepeated("xy"u8, 2);
        buffer.AppendNull();
        buffer.AppendRepeated(""u8, 2);
        Assert.Equal(["a", "xy", "xy", "xy", "xy", "xy", null, "", ""], Enumerable.Range(0, buffer.Count).Select(i => buffer.GetValue(i)));

        // Runs join when the same value continues; a truncated run shrinks; a null or another value is never in one.
        Assert.True(buffer.IsRepeatedRange(1, 5));
        Assert.False(buffer.IsRepeatedRange(0, 2));
        Assert.False(buffer.IsRepeatedRange(5, 2));
        Assert.True(buffer.IsRepeatedRange(7, 2));
        buffer.Truncate(4);
        Assert.True(buffer.IsRepeatedRange(1, 3));
        Assert.False(buffer.IsRepeatedRange(1, 4));
        buffer.Append("xy");
        Assert.False(buffer.IsRepeatedRange(1, 4));
        buffer.Clear();
        Assert.False(buffer.IsRepeatedRange(0, 1));
    }

    [Fact]
    public void RepeatedValuesAreCheckedLikeAppendedOnes()
    {
        var position = new ParquetColumnBuffer(ParquetColumn.Decimal("_cdc_position", 38, 0, isRequired: true));
        var error = Assert.Throws<ArgumentException>(() => position.AppendRepeated(new byte[15], 10));
        Assert.Contains("'_cdc_position' holds 16-byte values", error.Message, StringComparison.Ordinal);
        var flag = new ParquetColumnBuffer(ParquetColumn.Boolean("_cdc_deleted", isRequired: true));
        Assert.Throws<ArgumentException>(() => flag.AppendRepeated(1L, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => flag.AppendRepeated(true, -1));
    }

    /// <summary>Random batches of one random column made of repeated runs, one-by-one values and nulls, written both ways.</summary>
    private static bool SameBytes(int seed)
    {
        var random = new Random(seed);
        var column = ColumnKinds[random.Next(ColumnKinds.Length)](random, random.Next(2) == 0);
        var schema = new ParquetSchema(column);
        var options = new ParquetWriterOptions
        {
            Compression = (ParquetCompression)random.Next(0, 3),
            EnableDictionary = random.Next(4) != 0,
            MaxRowsPerPage = random.Next(3) switch { 0 => random.Next(1, 40), 1 => random.Next(40, 2000), _ => 20_000 },
            RowGroupTargetBytes = random.Next(2) == 0 ? random.Next(200, 20_000) : 64L << 20,
            DictionaryPageSizeLimit = random.Next(2) == 0 ? random.Next(16, 2048) : 1 << 20,
            CreatedBy = "test",
        };
        var perRow = new ParquetRowBatch(schema, 16);
        var repeated = new ParquetRowBatch(schema, 16);
        using var one = new MemoryStream();
        using var runs = new MemoryStream();
        using (var perRowWriter = new ParquetWriter(one, schema, options, leaveOpen: true))
        using (var repeatedWriter = new ParquetWriter(runs, schema, options, leaveOpen: true))
        {
            var fresh = 1_000;
            for (var b = random.Next(1, 6); b > 0; b--)
            {
                for (var s = random.Next(1, 8); s > 0; s--)
                {
                    var kind = (SegmentKind)random.Next(column.IsRequired ? 2 : 3);
                    var count = random.Next(4) == 0 ? random.Next(1, 9) : random.Next(1, 5000);
                    switch (kind)
                    {
                        case SegmentKind.Repeated:
                            {
                                // Few distinct constants, so runs of one batch meet the same value in another.
                                var value = random.Next(8);
                                for (var k = 0; k < count; k++)
                                {
                                    Append(perRow.Columns[0], value);
                                }

                                AppendRepeated(repeated.Columns[0], value, count);
                                break;
                            }

                        case SegmentKind.OneByOne:
                            for (var k = 0; k < count; k++)
                            {
                                var value = random.Next(3) == 0 ? random.Next(8) : fresh++;
                                Append(perRow.Columns[0], value);
                                Append(repeated.Columns[0], value);
                            }

                            break;
                        default:
                            for (var k = 0; k < count; k++)
                            {
                                perRow.Columns[0].AppendNull();
                                repeated.Columns[0].AppendNull();
                            }

                            break;
                    }
                }

                perRowWriter.WriteBatch(perRow);
                repeatedWriter.WriteBatch(repeated);
                perRow.Clear();
                repeated.Clear();
            }
        }

        return one.ToArray().AsSpan().SequenceEqual(runs.ToArray());
    }

    /// <summary>The value number <paramref name="n"/> of the column's type; 3, 4 and 5 are NaN, -0.0 and 0.0 for floating point.</summary>
    private static void Append(ParquetColumnBuffer buffer, int n)
    {
        switch (buffer.Column.PhysicalType)
        {
            case ParquetPhysicalType.Boolean: buffer.Append(n % 2 == 1); break;
            case ParquetPhysicalType.Int32: buffer.Append((n * 7919) - 20_000); break;
            case ParquetPhysicalType.Int64: buffer.Append((n - 4) * 1_000_000_007L); break;
            case ParquetPhysicalType.Float: buffer.Append((float)Real(n)); break;
            case ParquetPhysicalType.Double: buffer.Append(Real(n)); break;
            default: buffer.Append(Bytes(buffer.Column, n)); break;
        }
    }

    private static void AppendRepeated(ParquetColumnBuffer buffer, int n, int count)
    {
        switch (buffer.Column.PhysicalType)
        {
            case ParquetPhysicalType.Boolean: buffer.AppendRepeated(n % 2 == 1, count); break;
            case ParquetPhysicalType.Int32: buffer.AppendRepeated((n * 7919) - 20_000, count); break;
            case ParquetPhysicalType.Int64: buffer.AppendRepeated((n - 4) * 1_000_000_007L, count); break;
            case ParquetPhysicalType.Float: buffer.AppendRepeated((float)Real(n), count); break;
            case ParquetPhysicalType.Double: buffer.AppendRepeated(Real(n), count); break;
            default: buffer.AppendRepeated(Bytes(buffer.Column, n), count); break;
        }
    }

    private static double Real(int n) => n switch
    {
        3 => double.NaN,
        4 => -0.0,
        5 => 0.0,
        _ => (n - 2) * 0.75,
    };

    private static byte[] Bytes(ParquetColumn column, int n)
    {
        if (column.PhysicalType == ParquetPhysicalType.ByteArray)
        {
            return n == 0 ? [] : Encoding.UTF8.GetBytes(new string('v', n % 5) + n);
        }

        var bytes = new byte[column.TypeLength];
        var value = (Int128)(n - 4) * 1_000_000_000_000_007L;
        Span<byte> full = stackalloc byte[16];
        BinaryPrimitives.WriteInt128BigEndian(full, value);
        full[^Math.Min(16, bytes.Length)..].CopyTo(bytes.AsSpan(Math.Max(0, bytes.Length - 16)));
        return bytes;
    }

    private static byte[] Position(ulong sortKey)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteInt128BigEndian(bytes, sortKey);
        return bytes;
    }
}
