using System.Text;
using Serverless.MySql.Binlog;
using Serverless.MySql.Binlog.Events;
using Serverless.MySql.Replication;
using Xunit;
using static Serverless.MySql.Tests.BinlogTestEvents;

namespace Serverless.MySql.Tests;

public class BinlogEventDecoderTests
{
    [Fact]
    public void Crc32MatchesTheStandardCheckValue()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        var data = Encoding.ASCII.GetBytes(new string('x', 1000));
        Assert.Equal(Crc32.Compute(data), Crc32.Finish(Crc32.Append(Crc32.Append(Crc32.Start, data.AsSpan(0, 333)), data.AsSpan(333))));
    }

    [Fact]
    public void FormatDescriptionSetsChecksumAndACorruptEventNamesFileAndOffset()
    {
        var decoder = new BinlogEventDecoder("binlog.000007");
        var fde = Assert.IsType<FormatDescriptionEvent>(decoder.Decode(FormatDescription()));
        Assert.Equal(BinlogChecksumAlgorithm.Crc32, fde.ChecksumAlgorithm);
        Assert.Equal("8.0.36", fde.ServerVersion);

        var xid = Event(BinlogEventType.Xid, [42, 0, 0, 0, 0, 0, 0, 0], nextPosition: 531);
        Assert.Equal(42ul, Assert.IsType<XidEvent>(decoder.Decode(xid)).Xid);
        xid[20] ^= 0xFF;
        var error = Assert.Throws<BinlogChecksumException>(() => decoder.Decode(xid));
        Assert.Contains("binlog.000007", error.Message);
        Assert.Contains("offset 500", error.Message);
        Assert.Equal(500, error.EventOffset);
    }

    [Fact]
    public void FormatDescriptionChecksumIgnoresTheBinlogInUseFlag()
    {
        var fde = FormatDescription();
        fde[17] |= (byte)BinlogEventHeader.BinlogInUseFlag;
        Assert.IsType<FormatDescriptionEvent>(new BinlogEventDecoder("b.000001").Decode(fde));
    }

    [Fact]
    public void EventsWithoutChecksumDecodeWhenTheServerWritesNone()
    {
        var decoder = new BinlogEventDecoder("b.000001");
        Assert.Equal(BinlogChecksumAlgorithm.None, Assert.IsType<FormatDescriptionEvent>(decoder.Decode(FormatDescription(crc32: false))).ChecksumAlgorithm);
        var query = Concat(Hex("05000000 00000000 02 0000 0000"), "db"u8.ToArray(), [0], "COMMIT"u8.ToArray());
        var decoded = Assert.IsType<QueryEvent>(decoder.Decode(Event(BinlogEventType.Query, query, checksum: false)));
        Assert.Equal("db", decoded.Schema);
        Assert.True(decoded.IsCommit);
    }

    [Fact]
    public void FakeRotateBeforeTheFormatDescriptionIsRecognisedWithItsChecksum()
    {
        var decoder = new BinlogEventDecoder();
        var rotate = Event(BinlogEventType.Rotate, Concat(Hex("0400000000000000"), "mysql-bin.000003"u8.ToArray()), nextPosition: 0, flags: 0x20);
        var e = Assert.IsType<RotateEvent>(decoder.Decode(rotate));
        Assert.Equal("mysql-bin.000003", e.NextFileName);
        Assert.Equal(4ul, e.NextPosition);
        Assert.Equal("mysql-bin.000003", decoder.CurrentFileName);
        Assert.True(e.Header.IsArtificial);
    }

    [Fact]
    public void QueryEventSkipsStatusVariablesAndReadsSchemaAndSql()
    {
        var decoder = new BinlogEventDecoder("b.000001");
        decoder.Decode(FormatDescription());
        var body = Concat(Hex("0b000000 01000000 04 0000 0300"), Hex("aabbcc"), "shop"u8.ToArray(), [0], "ALTER TABLE t ADD c INT"u8.ToArray());
        var q = Assert.IsType<QueryEvent>(decoder.Decode(Event(BinlogEventType.Query, body)));
        Assert.Equal("shop", q.Schema);
        Assert.Equal("ALTER TABLE t ADD c INT", q.Sql);
        Assert.Equal(11u, q.ThreadId);
        Assert.True(q.IsDdlOrOther);
    }

    [Fact]
    public void MySqlGtidEventCarriesUuidNumberAndCommitTimestampsFromTheByteLayout()
    {
        var decoder = new BinlogEventDecoder("b.000001");
        decoder.Decode(FormatDescription());
        // flags, sid, gno, lt_type 2, last_committed, sequence_number, immediate commit ts (7 bytes, top bit: original follows),
        // original commit ts (7 bytes), transaction length (packed), immediate server version.
        var body = Concat(
            [1],
            Hex("3e11fa4771ca11e19e33c80aa9429562"),
            Hex("1700000000000000"),
            [2],
            Hex("0500000000000000"),
            Hex("0600000000000000"),
            Hex("40e2010000 0080"),
            Hex("2ae2010000 0000"),
            [0xfc, 0x10, 0x01],
            Hex("b4380100"));
        var e = Assert.IsType<MySqlGtidEvent>(decoder.Decode(Event(BinlogEventType.MySqlGtid, body)));
        Assert.Equal(MySqlGtid.Parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:23"), e.Gtid);
        Assert.Equal(5, e.LastCommitted);
        Assert.Equal(6, e.SequenceNumber);
        Assert.Equal(123456ul, e.ImmediateCommitMicroseconds);
        Assert.Equal(123434ul, e.OriginalCommitMicroseconds);
        Assert.Equal(272ul, e.TransactionLength);
        Assert.False(e.IsAnonymous);
    }

    [Fact]
    public void MariaDbGtidAndGtidListEventsDecode()
    {
        var decoder = new BinlogEventDecoder("m.000001");
        decoder.Decode(FormatDescription("10.11.19-MariaDB-log"));
        var gtid = Assert.IsType<MariaDbGtidEvent>(decoder.Decode(Event(BinlogEventType.MariaDbGtid, Hex("0e01000000000000 02000000 03 0900000000000000"))));
        Assert.Equal(new MariaDbGtid(2, 1, 270), gtid.Gtid);
        Assert.True(gtid.IsStandalone);
        Assert.Equal(9ul, gtid.CommitId);
        var noCommitId = Assert.IsType<MariaDbGtidEvent>(decoder.Decode(Event(BinlogEventType.MariaDbGtid, Hex("0e01000000000000 02000000 0c 000000000000"))));
        Assert.Null(noCommitId.CommitId);
        Assert.False(noCommitId.IsStandalone);
        var list = Assert.IsType<MariaDbGtidListEvent>(decoder.Decode(Event(BinlogEventType.MariaDbGtidList,
            Hex("02000000 00000000 01000000 0a00000000000000 01000000 02000000 0700000000000000"))));
        Assert.Equal("0-1-10,1-2-7", new MariaDbGtidList(list.Gtids).ToString());
    }

    [Fact]
    public void CompressedAndPartialEventsAreRefusedNamingTheServerSetting()
    {
        var decoder = new BinlogEventDecoder("b.000001");
        decoder.Decode(FormatDescription());
        Assert.Contains("binlog_transaction_compression=OFF",
            Assert.Throws<UnsupportedBinlogFeatureException>(() => decoder.Decode(Event(BinlogEventType.TransactionPayload, [1, 2, 3]))).Message);
        Assert.Contains("binlog_row_value_options=''",
            Assert.Throws<UnsupportedBinlogFeatureException>(() => decoder.Decode(Event(BinlogEventType.PartialUpdateRows, [1, 2, 3]))).Message);
        Assert.Contains("log_bin_compress=OFF",
            Assert.Throws<UnsupportedBinlogFeatureException>(() => decoder.Decode(Event(BinlogEventType.MariaDbWriteRowsCompressedV1, [1]))).Message);
    }

    [Fact]
    public void UnknownAndUnneededEventsAreSkippedByLength()
    {
        var decoder = new BinlogEventDecoder("b.000001");
        decoder.Decode(FormatDescription());
        Assert.IsType<SkippedEvent>(decoder.Decode(Event((BinlogEventType)99, new byte[37])));
        Assert.IsType<SkippedEvent>(decoder.Decode(Event(BinlogEventType.IntVar, new byte[9])));
        Assert.Throws<BinlogFormatException>(() => decoder.Decode(Event(BinlogEventType.Xid, new byte[3])));
    }

    [Fact]
    public void HeartbeatsCarryFileAndPosition()
    {
        var decoder = new BinlogEventDecoder("b.000001");
        decoder.Decode(FormatDescription());
        var v1 = Assert.IsType<HeartbeatEvent>(decoder.Decode(Event(BinlogEventType.Heartbeat, "b.000009"u8.ToArray(), nextPosition: 4567)));
        Assert.Equal(("b.000009", 4567ul), (v1.FileName, v1.Position));
        var v2 = Assert.IsType<HeartbeatEvent>(decoder.Decode(Event(BinlogEventType.HeartbeatV2,
            Concat([1, 8], "b.000010"u8.ToArray(), [2, 3, 0xfc, 0x39, 0x30]), nextPosition: 0)));
        Assert.Equal(("b.000010", 12345ul), (v2.FileName, v2.Position));
    }
}
