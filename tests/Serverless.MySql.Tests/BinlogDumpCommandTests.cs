using Serverless.MySql.Replication;
using Xunit;
using static Serverless.MySql.Tests.BinlogTestEvents;

namespace Serverless.MySql.Tests;

public class BinlogDumpCommandTests
{
    [Fact]
    public void ComBinlogDumpLayoutIsPositionFlagsServerIdFileName()
    {
        Assert.Equal(Concat(Hex("12 04010000 0100 e9030000"), "bin.000002"u8.ToArray()), BinlogDumpCommands.Dump(1001, "bin.000002", 260, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => BinlogDumpCommands.Dump(1, "b.000001", 1L << 33));
    }

    [Fact]
    public void ComBinlogDumpGtidCarriesTheEncodedExecutedSet()
    {
        var set = MySqlGtidSet.Parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5");
        var expected = Concat(
            Hex("1e 0400 02000000 00000000 0400000000000000"),
            Hex("30000000"),
            Hex("0100000000000000 3e11fa4771ca11e19e33c80aa9429562 0100000000000000 0100000000000000 0600000000000000"));
        Assert.Equal(expected, BinlogDumpCommands.DumpGtid(2, set));
    }

    [Fact]
    public void ComRegisterSlaveLayout()
    {
        Assert.Equal(Hex("15 07000000 01 68 00 00 ea0c 00000000 00000000"), BinlogDumpCommands.RegisterReplica(7, "h", port: 3306));
    }

    [Fact]
    public void ResumePointRoundTripsAsText()
    {
        var point = new ReplicationResumePoint(new BinlogPosition("b.000002", 900), new BinlogPosition("b.000002", 1500, 3), "0-1-17");
        Assert.Equal("b.000002:900:0|b.000002:1500:3|0-1-17", point.ToString());
        Assert.Equal(point, ReplicationResumePoint.Parse(point.ToString()));
        Assert.Equal(ReplicationResumePoint.At(new BinlogPosition("b.000001", 4)), ReplicationResumePoint.Parse("b.000001:4:0||"));
    }
}
