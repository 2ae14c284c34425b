using Serverless.MySql.Binlog;
using Serverless.MySql.Binlog.Events;
using Serverless.MySql.Replication;
using Xunit;
using static Serverless.MySql.Tests.BinlogTestEvents;
using Serverless.MySql.Protocol;

namespace Serverless.MySql.Tests;

/// <summary>MySQL v2 rows events and TABLE_MAP optional metadata, built byte by byte from the libbinlogevents layout.</summary>
public class RowsEventTests
{
    private static readonly byte[] TableMapBody = Concat(
        Hex("2a0000000000 0100"),
        LengthPrefixed("db"), [0], LengthPrefixed("t"), [0],
        [9], Hex("03 0f f6 11 f5 fe fe 13 12"),
        [12], Hex("5000 0e04 03 04 ee90 f701 06 00"),
        Hex("fe01"),
        Hex("01 01 80"),
        Hex("02 01 2d"),
        [4, 31], LengthPrefixed("id"), LengthPrefixed("name"), LengthPrefixed("price"), LengthPrefixed("ts"), LengthPrefixed("doc"),
        LengthPrefixed("c"), LengthPrefixed("e"), LengthPrefixed("t2"), LengthPrefixed("dt"),
        Hex("06 05 02 01 61 01 62"),
        Hex("08 01 00"));

    private static BinlogEventDecoder DecoderWithTable(out TableMapEvent table)
    {
        var decoder = new BinlogEventDecoder("binlog.000003");
        decoder.Decode(FormatDescription());
        table = Assert.IsType<TableMapEvent>(decoder.Decode(Event(BinlogEventType.TableMap, TableMapBody, 300)));
        return decoder;
    }

    [Fact]
    public void TableMapResolvesRealTypesLengthsAndAllOptionalMetadata()
    {
        DecoderWithTable(out var table);
        Assert.Equal(("db", "t", 42ul), (table.DatabaseName, table.TableName, table.TableId));
        Assert.Equal(["id", "name", "price", "ts", "doc", "c", "e", "t2", "dt"], table.Columns.Select(c => c.Name));
        Assert.True(table.Columns[0].IsUnsigned);
        Assert.False(table.Columns[2].IsUnsigned);
        Assert.False(table.Columns[0].IsNullable);
        Assert.True(table.Columns[1].IsNullable);
        Assert.Equal(80, table.Columns[1].Length);
        Assert.Equal((14, 4), (table.Columns[2].Precision, table.Columns[2].Scale));
        Assert.Equal(3, table.Columns[3].FractionalSecondsPrecision);
        Assert.Equal((ColumnType.String, 400), (table.Columns[5].Type, table.Columns[5].Length));
        Assert.Equal(ColumnType.Enum, table.Columns[6].Type);
        Assert.Equal(["a", "b"], table.Columns[6].EnumValues);
        Assert.Equal(45, table.Columns[1].Collation);
        Assert.Equal(45, table.Columns[5].Collation);
        Assert.Equal([table.Columns[0]], table.PrimaryKey);
    }

    [Fact]
    public void WriteRowsV2DecodesEveryValueOfAHandBuiltRow()
    {
        var decoder = DecoderWithTable(out _);
        var json = Hex("00 0100 1b00 0b00 0100 020c00 61 0300 0f00 050100 040100 0c0d00 0178");
        var body = Concat(
            Hex("2a0000000000 0100 0200"), [9], Hex("ff01"),
            Hex("0001"),
            Hex("ffffffff"),
            [6], "héllo"u8.ToArray(),
            Hex("7ef204c72dfb2d"),
            Hex("6553f100 04ce"),
            [(byte)json.Length, 0, 0, 0], json,
            Hex("0300"), "abc"u8.ToArray(),
            [2],
            Hex("80c8b80c0a14"));
        var rows = Assert.IsType<RowsEvent>(decoder.Decode(Event(BinlogEventType.WriteRowsV2, body, 900)));
        Assert.Equal((RowsEventKind.Write, 2), (rows.Kind, rows.Version));
        var before = new ColumnValue[9];
        var after = new ColumnValue[9];
        var next = rows.ReadRow(0, before, after);
        Assert.Equal(-1, rows.ReadRow(next, before, after));
        Assert.Equal(4294967295ul, after[0].GetUInt64());
        Assert.Equal("héllo", after[1].GetString());
        Assert.Equal("-1234567890.1234", after[2].GetDecimal().ToString());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000).AddMilliseconds(123), after[3].GetTimestamp());
        Assert.Equal("{\"a\": [1, true, \"x\"]}", after[4].GetJsonText());
        Assert.Equal("abc", after[5].GetString());
        Assert.Equal("b", after[6].ToDisplayString(rows.Table.Columns[6]));
        Assert.Equal("12:34:56.789012", after[7].ToDisplayString());
        Assert.True(after[8].IsNull);
    }

    [Fact]
    public void UpdateRowsV2HonoursSeparateColumnsPresentBitmapsOfMinimalImages()
    {
        var decoder = DecoderWithTable(out _);
        var body = Concat(
            Hex("2a0000000000 0100 0200"), [9], Hex("0100"), Hex("0300"),
            Hex("00"), Hex("01000000"),
            Hex("00"), Hex("01000000"), [1], "x"u8.ToArray());
        var rows = Assert.IsType<RowsEvent>(decoder.Decode(Event(BinlogEventType.UpdateRowsV2, body, 900)));
        var assembler = new ChangeEventAssembler();
        var change = Assert.IsType<RowChange>(Assert.Single(assembler.Apply(rows, decoder.CurrentFileName)));
        Assert.Equal(RowChangeKind.Update, change.Kind);
        Assert.Equal(1, change.Before[0].GetInt64());
        Assert.True(change.Before[1].IsNull);
        Assert.Equal("x", change.After[1].GetString());
        Assert.Equal(new BinlogPosition("binlog.000003", 900 - rows.Header.EventSize, 0), change.Position);
    }

    [Fact]
    public void RowsEventForAnUnknownTableIdOrTruncatedRowIsAClearError()
    {
        var decoder = DecoderWithTable(out _);
        var unknown = Concat(Hex("2b0000000000 0100 0200"), [9], Hex("ff01"), Hex("0001"));
        Assert.Contains("table id 43", Assert.Throws<BinlogFormatException>(() => decoder.Decode(Event(BinlogEventType.WriteRowsV2, unknown))).Message);
        var truncated = Assert.IsType<RowsEvent>(decoder.Decode(Event(BinlogEventType.WriteRowsV2, Concat(Hex("2a0000000000 0100 0200"), [9], Hex("ff01"), Hex("0001 ffff")))));
        var error = Assert.Throws<BinlogFormatException>(() => truncated.ReadRow(0, new ColumnValue[9], new ColumnValue[9]));
        Assert.Contains("db.t", error.Message);
    }
}
