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
            Position = new BinlogPosition("mariadb-bin.000123", 987_654_321, 17), SourceGeneration = 5, Gtid = "0-1-4242",
            CommitTime = DateTimeOffset.Parse("2026-12-06T02:37:29.123456Z", System.Globalization.CultureInfo.InvariantCulture),
            Key = [ChangeValue.FromInt64(9), ChangeValue.FromString("k")], Row = EveryKind,
        };

        var back = ChangeEventSerializer.Deserialize(ChangeEventSerializer.Serialize(change));

        Assert.Equal(change.Kind, back.Kind);
        Assert.Equal(change.Database, back.Database);
        Assert.Equal(change.Table, back.Table);
        Assert.Equal(change.SchemaVersion, back.SchemaVersion);
        Assert.Equal(change.Position, back.Position);
        Assert.Equal(5, back.SourceGeneration);
        Assert.Equal(change.SourcePosition.SortKey, back.SourcePosition.SortKey);
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

        // version, kind, "shop", "t", schema version, generation, "mariadb-bin.000007", offset, row, gtid, time, 1 key and 1+1 values.
        Assert.InRange(bytes.Length, 40, 60);
    }

    [Fact]
    public void ANewerFormatVersionIsRefusedByName()
    {
        var bytes = ChangeEventSerializer.Serialize(TestChanges.Row("t", 1, 10));
        Assert.Equal(2, bytes[0]);
        bytes[0] = 3;

        var e = Assert.Throws<ChangeEventFormatException>(() => ChangeEventSerializer.Deserialize(bytes));

        Assert.Contains("version 3", e.Message, StringComparison.Ordinal);
        Assert.Contains("versions 1 to 2", e.Message, StringComparison.Ordinal);
        bytes[0] = 0;
        Assert.Contains("version 0", Assert.Throws<ChangeEventFormatException>(() => ChangeEventSerializer.Deserialize(bytes)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AVersion1RecordWrittenBeforeGenerationsReadsAsGenerationZero()
    {
        // Laid out by hand from the version 1 format (docs/design-notes.md, "Change transport"), as capture wrote it.
        byte[] v1 =
        [
            1, 2, // version 1, update
            4, .. "shop"u8, 1, .. "t"u8, 1, // database, table, schema version 1
            18, .. "mariadb-bin.000003"u8, 0xD2, 0x09, 5, // file, offset 1234, row 5
            6, .. "0-1-7"u8, // GTID (length + 1)
            0x80, 0xBA, 0xD4, 0xD8, 0xBF, 0xFB, 0xB0, 0x06, // commit time: zigzag of 1796524649123456 µs
            1, 0x81, 0x0E, // key: Int64 7
            2, 0x81, 0x0E, 0x6E, 0x5A, 1, (byte)'x', // row: Int64 7, String "x" (aux: collation 45, zigzag 90)
            0, // no SQL
        ];

        var change = ChangeEventSerializer.Deserialize(v1);

        Assert.Equal(ChangeKind.Update, change.Kind);
        Assert.Equal("shop.t", change.QualifiedTable);
        Assert.Equal(1, change.SchemaVersion);
        Assert.Equal(0, change.SourceGeneration);
        Assert.Equal(new BinlogPosition("mariadb-bin.000003", 1234, 5), change.Position);
        Assert.Equal(change.Position.SortKey, change.SourcePosition.SortKey);
        Assert.Equal("0-1-7", change.Gtid);
        Assert.Equal(DateTimeOffset.Parse("2026-12-06T02:37:29.123456Z", System.Globalization.CultureInfo.InvariantCulture), change.CommitTime);
        Assert.Equal([ChangeValue.FromInt64(7)], change.Key);
        Assert.Equal([ChangeValue.FromInt64(7), ChangeValue.FromString("x")], change.Row);
        Assert.Null(change.Sql);

        // Written again it is version 2, one byte longer (generation 0), and reads back the same.
        var v2 = ChangeEventSerializer.Serialize(change);
        Assert.Equal(v1.Length + 1, v2.Length);
        Assert.Equal(change.SourcePosition, ChangeEventSerializer.Deserialize(v2).SourcePosition);
    }

    [Fact]
    public void AVersion2RecordCarriesTheSourceGenerationAboveThePosition()
    {
        var afterFailover = new ChangeEvent
        {
            Kind = ChangeKind.Update, Database = "shop", Table = "t", SchemaVersion = 1, Position = new BinlogPosition("mariadb-bin.000001", 400),
            SourceGeneration = 1, Key = [ChangeValue.FromInt64(7)], Row = [ChangeValue.FromInt64(7), ChangeValue.FromString("new primary")],
        };
        var beforeFailover = ChangeEventSerializer.Deserialize(ChangeEventSerializer.Serialize(TestChanges.Row("t", 7, 5_000)));

        var back = ChangeEventSerializer.Deserialize(ChangeEventSerializer.Serialize(afterFailover));

        Assert.Equal(1, back.SourceGeneration);
        Assert.Equal(afterFailover.SourcePosition, back.SourcePosition);
        Assert.True(back.Position < beforeFailover.Position, "the new primary's file is numbered below the old one's");
        Assert.True(back.SourcePosition > beforeFailover.SourcePosition);
        Assert.True(back.SourcePosition.SortKey > beforeFailover.SourcePosition.SortKey);
    }

    [Fact]
    public void AGenerationBeyondTheLakesKeyIsRefusedOnBothSidesOfTheLog()
    {
        var change = TestChanges.Row("t", 1, 10);

        var tooMany = Assert.Throws<ArgumentOutOfRangeException>(() => ChangeEventSerializer.Serialize(new ChangeEvent
        {
            Kind = change.Kind, Database = change.Database, Table = change.Table, Position = change.Position, SourceGeneration = SourcePosition.MaxGeneration + 1,
        }));
        Assert.Contains("source generation", tooMany.Message, StringComparison.Ordinal);

        // A damaged record whose generation varint says 2^23: byte 10 is the generation (after version, kind, "shop", "t", schema version).
        var bytes = ChangeEventSerializer.Serialize(change).ToList();
        Assert.Equal(0, bytes[10]);
        bytes.RemoveAt(10);
        bytes.InsertRange(10, [0x80, 0x80, 0x80, 0x04]);
        var damaged = Assert.Throws<ChangeEventFormatException>(() => ChangeEventSerializer.Deserialize(bytes.ToArray()));
        Assert.Contains("source generation 8388608", damaged.Message, StringComparison.Ordinal);
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
