using System.Numerics;
using System.Text;
using Serverless.Cdc.Capture;
using Serverless.Cdc.Schema;
using Serverless.Cdc.Writer;
using Serverless.Delta.DataFiles;
using Serverless.Delta.Merge;
using Serverless.MySql.Binlog;
using Serverless.MySql.Client;
using Serverless.MySql.Replication;
using Serverless.Parquet;

namespace Serverless.Cdc.Tests.Writer;

/// <summary>
/// The writer appends change events straight into typed columns (<see cref="ChangeRowConverter.Append"/>); the columns
/// must hold exactly what the row path gives (<see cref="ChangeRowConverter.Convert"/>, then the Parquet row API), for
/// every conversion, nulls, zero dates, text that is not valid UTF-8 and values that do not convert.
/// </summary>
public sealed class ColumnarConversionTests
{
    private static readonly SourceTable Table = new()
    {
        Database = "shop",
        Name = "every_type",
        Columns =
        [
            Column(1, "id", "bigint", "bigint(20)", nullable: false),
            Column(2, "c_tiny", "tinyint", "tinyint(4)"),
            Column(3, "c_small_u", "smallint", "smallint(5) unsigned"),
            Column(4, "c_int", "int", "int(11)"),
            Column(5, "c_int_u", "int", "int(10) unsigned"),
            Column(6, "c_big_u", "bigint", "bigint(20) unsigned"),
            Column(7, "c_dec", "decimal", "decimal(10,2)", precision: 10, scale: 2),
            Column(8, "c_dec38", "decimal", "decimal(38,10)", precision: 38, scale: 10),
            Column(9, "c_float", "float", "float"),
            Column(10, "c_double", "double", "double"),
            Column(11, "c_date", "date", "date"),
            Column(12, "c_dt", "datetime", "datetime(6)", datetimePrecision: 6),
            Column(13, "c_ts", "timestamp", "timestamp(6)", datetimePrecision: 6),
            Column(14, "c_time", "time", "time(6)", datetimePrecision: 6),
            Column(15, "c_name", "varchar", "varchar(64)", charset: "utf8mb4"),
            Column(16, "c_latin", "varchar", "varchar(20)", charset: "latin1"),
            Column(17, "c_enum", "enum", "enum('a','b','c d')"),
            Column(18, "c_set", "set", "set('x','y','z')"),
            Column(19, "c_bin", "binary", "binary(4)"),
            Column(20, "c_varbin", "varbinary", "varbinary(10)"),
            Column(21, "c_bit1", "bit", "bit(1)", precision: 1),
            Column(22, "c_bit10", "bit", "bit(10)", precision: 10),
            Column(23, "c_year", "year", "year(4)"),
            Column(24, "c_json", "json", "json", charset: "utf8mb4"),
            Column(25, "c_status", "varchar", "varchar(16)", nullable: false, charset: "utf8mb4"),
        ],
        KeyColumns = ["id"],
        KeySource = TableKeySource.PrimaryKey,
        KeyIndex = "PRIMARY",
    };

    private static SourceColumn Column(int ordinal, string name, string dataType, string columnType, bool nullable = true, int? precision = null, int? scale = null, int? datetimePrecision = null, string? charset = null) => new()
    {
        Name = name,
        Ordinal = ordinal,
        DataType = dataType,
        ColumnType = columnType,
        IsNullable = nullable,
        NumericPrecision = precision,
        NumericScale = scale,
        DatetimePrecision = datetimePrecision,
        CharacterSet = charset,
    };

    public static TheoryData<bool> SoftDelete => [false, true];

    [Theory]
    [MemberData(nameof(SoftDelete))]
    public void ColumnsHoldWhatTheRowPathAppendsForEveryConversion(bool softDelete)
    {
        var mapping = TypeMapper.Map(Table, softDelete: softDelete);
        var fields = mapping.DeltaFields;
        var converter = new ChangeRowConverter(mapping, fields);
        var schema = new ParquetSchema(fields.Select(f => DataFileWriter.ToParquet(f, withFieldId: false)));
        var rows = new ParquetRowBatch(new ParquetSchema(schema.Columns.Select(c => c with { IsRequired = false })));
        var deletes = new List<bool>();
        var columns = new ChangeColumns(schema, 8);
        var random = new Random(17);
        for (var i = 0; i < 3000; i++)
        {
            var change = RandomChange(random, i);
            var row = converter.Convert(change, softDelete);
            rows.AppendRow(row.Row);
            deletes.Add(row.IsDelete);
            converter.Append(change, softDelete, columns);
        }

        Assert.Equal(3000, columns.Count);
        Assert.Equal(deletes, Enumerable.Range(0, columns.Count).Select(columns.IsDelete));
        for (var c = 0; c < schema.Columns.Count; c++)
        {
            AssertSameValues(rows.Columns[c], columns.Columns[c]);
        }
    }

    [Fact]
    public void AChangeThatDoesNotConvertFailsAsOnTheRowPathAndLeavesTheColumnsAsTheyWere()
    {
        var mapping = TypeMapper.Map(Table);
        var converter = new ChangeRowConverter(mapping, mapping.DeltaFields);
        var columns = new ChangeColumns(new ParquetSchema(mapping.DeltaFields.Select(f => DataFileWriter.ToParquet(f, withFieldId: false))));
        converter.Append(RandomChange(new Random(1), 0), false, columns);

        var random = new Random(2);
        var tooBig = Change(ChangeKind.Update, 1, RandomRow(random, 1, tinyint: new ChangeValue(ColumnValueKind.Int64, 300)));
        var noStatus = Change(ChangeKind.Insert, 2, RandomRow(random, 2, status: ChangeValue.Null));
        var shortImage = Change(ChangeKind.Insert, 3, RandomRow(random, 3)[..10]);
        foreach (var change in new[] { tooBig, noStatus, shortImage })
        {
            var fromRows = Record.Exception(() => converter.Convert(change, false));
            var fromColumns = Record.Exception(() => converter.Append(change, false, columns));
            Assert.NotNull(fromRows);
            Assert.Equal(fromRows.GetType(), fromColumns?.GetType());
            Assert.Equal(fromRows.Message, fromColumns!.Message);
            Assert.Equal(1, columns.Count);
            Assert.All(columns.Columns.ToArray(), c => Assert.Equal(1, c.Count));
        }
    }

    private static ChangeEvent RandomChange(Random random, int i) =>
        Change(random.Next(5) == 0 ? ChangeKind.Delete : ChangeKind.Update, i, RandomRow(random, i));

    private static ChangeEvent Change(ChangeKind kind, int i, ChangeValue[] row) => new()
    {
        Kind = kind,
        Database = "shop",
        Table = "every_type",
        Position = new BinlogPosition("mariadb-bin.000007", 1000 + (i * 10L), i % 3),
        CommitTime = DateTimeOffset.UnixEpoch.AddTicks(1_700_000_000_000_000L + (i * 13L)),
        Key = [row[0]],
        Row = row,
    };

    private static ChangeValue[] RandomRow(Random random, int id, ChangeValue? tinyint = null, ChangeValue? status = null)
    {
        ChangeValue Maybe(ChangeValue value) => random.Next(8) == 0 ? ChangeValue.Null : value;
        ChangeValue Int(long value) => new(ColumnValueKind.Int64, value);
        ChangeValue DateTimeValue(ColumnValueKind kind, MySqlDateTime value, int fsp) => new(kind, ChangeValue.PackDateTime(value), fsp);
        ChangeValue Text(string text, int collation, Encoding encoding) => new(ColumnValueKind.String, 0, collation, encoding.GetBytes(text));
        ChangeValue Bytes(int length) => new(ColumnValueKind.Binary, 0, 63, Enumerable.Range(0, length).Select(_ => (byte)random.Next(256)).ToArray());

        var day = new DateOnly(1000, 1, 1).AddDays(random.Next(3_000_000));
        var date = random.Next(10) == 0 ? default : new MySqlDateTime(day.Year, day.Month, day.Day, 0, 0, 0, 0);
        var time = new MySqlDateTime(day.Year, day.Month, day.Day, random.Next(24), random.Next(60), random.Next(60), random.Next(1_000_000));
        var name = random.Next(6) switch
        {
            0 => new ChangeValue(ColumnValueKind.String, 0, 45, new byte[] { 0x61, 0xFF, 0x62 }),
            1 => Text("héllo wörld 😀 日本語 " + random.Next(), 45, Encoding.UTF8),
            2 => Text(string.Empty, 45, Encoding.UTF8),
            _ => Text("user" + random.Next(100) + "@example.com", 45, Encoding.UTF8),
        };
        return
        [
            Int(id),
            tinyint ?? Maybe(Int(random.Next(-128, 128))),
            Maybe(Int(random.Next(0, 65536))),
            Maybe(Int(random.Next(int.MinValue, int.MaxValue))),
            Maybe(Int(random.NextInt64(0, 4_294_967_296))),
            Maybe(new ChangeValue(ColumnValueKind.UInt64, random.NextInt64(long.MinValue, long.MaxValue))),
            Maybe(ChangeValue.FromDecimal(new MySqlDecimal(random.NextInt64(-9_999_999_999, 9_999_999_999), 2))),
            Maybe(ChangeValue.FromDecimal(new MySqlDecimal(new BigInteger(random.NextInt64()) * random.NextInt64(1, 1_000_000_000_000), 10))),
            Maybe(new ChangeValue(ColumnValueKind.Single, BitConverter.SingleToInt32Bits((float)(random.NextDouble() * 1e6)))),
            Maybe(new ChangeValue(ColumnValueKind.Double, BitConverter.DoubleToInt64Bits(random.NextDouble() * 1e300))),
            Maybe(DateTimeValue(ColumnValueKind.Date, date, 0)),
            Maybe(DateTimeValue(ColumnValueKind.DateTime, random.Next(10) == 0 ? default : time, 6)),
            Maybe(new ChangeValue(ColumnValueKind.Timestamp, random.Next(10) == 0 ? 0 : random.NextInt64(1, 2_147_483_647_000_000), 6)),
            Maybe(new ChangeValue(ColumnValueKind.Time, random.NextInt64(-3_020_399_000_000, 3_020_399_000_000), 6)),
            Maybe(name),
            Maybe(new ChangeValue(ColumnValueKind.String, 0, 8, new[] { (byte)'c', (byte)random.Next(0x80, 0x100), (byte)'!' })),
            Maybe(new ChangeValue(ColumnValueKind.Enum, random.Next(0, 4))),
            Maybe(new ChangeValue(ColumnValueKind.Set, random.Next(0, 8))),
            Maybe(Bytes(random.Next(2) == 0 ? 4 : 2)),
            Maybe(Bytes(random.Next(0, 11))),
            Maybe(new ChangeValue(ColumnValueKind.Bit, random.Next(2), 1)),
            Maybe(new ChangeValue(ColumnValueKind.Bit, random.Next(1024), 10)),
            Maybe(new ChangeValue(ColumnValueKind.Year, random.Next(1901, 2156))),
            Maybe(Text("{\"a\": [1, 2, \"😀\"], \"n\": " + random.Next() + "}", 45, Encoding.UTF8)),
            status ?? Text("status_" + random.Next(8), 45, Encoding.UTF8),
        ];
    }

    private static void AssertSameValues(ParquetColumnBuffer expected, ParquetColumnBuffer actual)
    {
        var name = expected.Column.Name;
        Assert.Equal(expected.Column, actual.Column);
        Assert.Equal(expected.Count, actual.Count);
        Assert.True(expected.Nulls.SequenceEqual(actual.Nulls), $"{name}: null flags differ");
        switch (expected.Column.PhysicalType)
        {
            case ParquetPhysicalType.Boolean:
                Assert.True(expected.BooleanValues.SequenceEqual(actual.BooleanValues), $"{name}: values differ");
                break;
            case ParquetPhysicalType.Int32:
                Assert.True(expected.Int32Values.SequenceEqual(actual.Int32Values), $"{name}: values differ");
                break;
            case ParquetPhysicalType.Int64:
                Assert.True(expected.Int64Values.SequenceEqual(actual.Int64Values), $"{name}: values differ");
                break;
            case ParquetPhysicalType.Float:
                Assert.True(expected.FloatValues.SequenceEqual(actual.FloatValues), $"{name}: values differ");
                break;
            case ParquetPhysicalType.Double:
                Assert.True(expected.DoubleValues.SequenceEqual(actual.DoubleValues), $"{name}: values differ");
                break;
            default:
                Assert.True(expected.ByteOffsets.SequenceEqual(actual.ByteOffsets), $"{name}: value lengths differ");
                Assert.True(expected.ByteData.SequenceEqual(actual.ByteData), $"{name}: value bytes differ");
                break;
        }
    }
}
