using System.Numerics;
using Serverless.Cdc.Capture;
using Serverless.MySql.Binlog;
using Serverless.MySql.Client;
using Serverless.MySql.Replication;

namespace Serverless.Cdc.Tests.Transport;

public sealed class ChangeEventSerializerTests
{
    private static readonly ChangeValue[] EveryKind =
    [
        ChangeValue.Null,
        ChangeValue.FromInt64(-42),
        ChangeValue.FromInt64(long.MinValue),
        new(ColumnValueKind.UInt64, unchecked((long)ulong.MaxValue)),
        new(ColumnValueKind.Single, BitConverter.SingleToInt32Bits(-1.5f)),
        new(ColumnValueKind.Double, BitConverter.DoubleToInt64Bits(Math.PI)),
        ChangeValue.FromDecimal(new MySqlDecimal(BigInteger.Parse("-123456789012345678901234567890123456789012345", System.Globalization.CultureInfo.InvariantCulture), 20)),
        new(ColumnValueKind.Year, 2026),
        new(ColumnValueKind.Date, ChangeValue.PackDateTime(new MySqlDateTime(2026, 12, 6, 0, 0, 0, 0))),
        new(ColumnValueKind.Time, -3_020_399_000_000, 6),
        new(ColumnValueKind.DateTime, ChangeValue.PackDateTime(new MySqlDateTime(9999, 12, 31, 23, 59, 59, 999_999)), 6),
        new(ColumnValueKind.Timestamp, 1_765_000_000_123_456, 3),
        new(ColumnValueKind.Bit, 0b1011, 4),
        new(ColumnValueKind.Enum, 3),
        new(ColumnValueKind.Set, 0b101),
        ChangeValue.FromString("Grüße, 世界"),
        ChangeValue.FromBinary(new byte[] { 0, 1, 2, 255 }),
        new(ColumnValueKind.Json, 0, 0, "{\"a\":[1,2]}"u8.ToArray()),
        new(ColumnValueKind.Geometry, 0, 0, new byte[] { 0, 0, 0, 0, 1, 1, 0, 0, 0 }),
        ChangeValue.FromString(string.Empty),
    ];

    [Fact]
    public void EveryValueKindAndFieldSurvivesARoundTrip()
    {
        var change = new ChangeEvent
        {
            Kind = ChangeKind.Update, Database = "shop", Table = "orders", SchemaVersion = 7,
            Position = new BinlogPosition("mariadb-bin.000123", 987_654_321, 17), Gtid = "0-1-4242",
            CommitTime = DateTimeOffset.Parse("2026-12-06T02:37:29.123456Z", System.Globalization.CultureInfo.InvariantCulture),
            Key = [ChangeValue.FromInt64(9), ChangeValue.FromString("k")], Row = EveryKind,
        };

        var back = ChangeEventSerializer.Deserialize(ChangeEventSerializer.Serialize(change));

        Assert.Equal(change.Kind, back.Kind);
        Assert.Equal(change.Database, back.Database);
        Assert.Equal(change.Table, back.Table);
        Assert.Equal(change.SchemaVersion, back.SchemaVersion);
        Assert.Equal(change.Position, back.Position);
        Assert.Equal(change.Position.SortKey, back.Position.SortKey);
        Assert.Equal(change.Gtid, back.Gtid);
        Assert.Equal(change.CommitTime, back.CommitTime);
        Assert.Equal(change.Key, back.Key);
        Assert.Equal(change.Row, back.Row);
        Assert.Null(back.Sql);
        Assert.Equal(change.Row[6].GetDecimal(), back.Row[6].GetDecimal());
        Assert.Equal(new MySqlDateTime(9999, 12, 31, 23, 59, 59, 999_999), back.Row[10].GetDateTime());
    }

    [Fact]
    public void ConsecutiveEventsDecodedFromOneReusedBufferKeepTheirOwnFieldsAndValues()
    {
        var buffer = new byte[4096];
        var decoded = new List<ChangeEvent>();
        var sources = new List<ChangeEvent>();
        for (var i = 0; i < 6; i++)
        {
            var change = new ChangeEvent
            {
                Kind = ChangeKind.Insert, Database = i < 4 ? "shop" : "shop2", Table = i % 2 == 0 ? "orders" : "items",
                Position = new BinlogPosition(i < 3 ? "binlog.000001" : "binlog.000002", 100 + i, i), Gtid = i == 5 ? null : "0-1-" + (i / 2),
                Key = [ChangeValue.FromString("key" + i)], Row = [ChangeValue.FromString("key" + i), ChangeValue.FromBinary(new byte[] { (byte)i, 9 }), ChangeValue.FromInt64(i)],
            };
            var bytes = ChangeEventSerializer.Serialize(change);
            Array.Fill(buffer, (byte)0xEE);
            bytes.CopyTo(buffer, 0);
            decoded.Add(ChangeEventSerializer.Deserialize(buffer.AsSpan(0, bytes.Length)));
            sources.Add(change);
        }

        Array.Fill(buffer, (byte)0);
        for (var i = 0; i < sources.Count; i++)
        {
            Assert.Equal(sources[i].Database, decoded[i].Database);
            Assert.Equal(sources[i].Table, decoded[i].Table);
            Assert.Equal(sources[i].Position, decoded[i].Position);
            Assert.Equal(sources[i].Gtid, decoded[i].Gtid);
            Assert.Equal(sources[i].Key, decoded[i].Key);
            Assert.Equal(sources[i].Row, decoded[i].Row);
        }
    }

    [Fact]
    public void DdlCarriesItsStatementAndNoRow()
    {
        var ddl = new ChangeEvent
        {
            Kind = ChangeKind.Ddl, Database = "shop", Table = "orders", Position = new BinlogPosition("binlog.000001", 4),
            Sql = "ALTER TABLE orders ADD COLUMN note TEXT",
        };

        var back = ChangeEventSerializer.Deserialize(ChangeEventSerializer.Serialize(ddl));

        Assert.Equal(ChangeKind.Ddl, back.Kind);
        Assert.Equal(ddl.Sql, back.Sql);
        Assert.Null(back.Gtid);
        Assert.Empty(back.Key);
        Assert.Empty(back.Row);
    }

    [Fact]
    public void AnIntegerRowIsCompact()
    {
        var bytes = ChangeEventSerializer.Serialize(TestChanges.Row("t", 5, 1000, payloadBytes: 0));

        // version, kind, "shop", "t", schema version, "mariadb-bin.000007", offset, row, gtid, time, 1 key and 1+1 values.
        Assert.InRange(bytes.Length, 40, 60);
    }

    [Fact]
    public void ANewerFormatVersionIsRefusedByName()
    {
        var bytes = ChangeEventSerializer.Serialize(TestChanges.Row("t", 1, 10));
        bytes[0] = 2;

        var e = Assert.Throws<ChangeEventFormatException>(() => ChangeEventSerializer.Deserialize(bytes));

        Assert.Contains("version 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryTruncationIsAFormatErrorNotAWrongEvent()
    {
        var bytes = ChangeEventSerializer.Serialize(TestChanges.Row("orders", 123_456, 99_999, payloadBytes: 5));

        for (var length = 0; length < bytes.Length; length++)
        {
            var cut = bytes.AsSpan(0, length).ToArray();
            Assert.Throws<ChangeEventFormatException>(() => ChangeEventSerializer.Deserialize(cut));
        }
    }
}
