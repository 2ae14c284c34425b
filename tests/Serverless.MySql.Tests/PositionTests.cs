using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Serverless.MySql.Replication;
using Xunit;

namespace Serverless.MySql.Tests;

public class PositionTests
{
    [Fact]
    public void FileIndexComesFromTheNumericSuffix()
    {
        Assert.Equal(42, BinlogPosition.ParseFileIndex("mariadb-bin.000042"));
        Assert.Equal(1234567, BinlogPosition.ParseFileIndex("binlog.1234567"));
        var error = Assert.Throws<FormatException>(() => BinlogPosition.ParseFileIndex("binlog"));
        Assert.Contains("binlog", error.Message);
    }

    [Fact]
    public void PositionsSortByFileThenOffsetThenRow()
    {
        var positions = new[]
        {
            new BinlogPosition("bin.000010", 4),
            new BinlogPosition("bin.000002", 900, 3),
            new BinlogPosition("bin.000002", 900, 1),
            new BinlogPosition("bin.000009", 123456),
            new BinlogPosition("bin.000002", 1000),
        };
        var sorted = positions.Order().Select(p => p.ToString()).ToArray();
        Assert.Equal(["bin.000002:900:1", "bin.000002:900:3", "bin.000002:1000:0", "bin.000009:123456:0", "bin.000010:4:0"], sorted);
    }

    [Fact]
    public void CompactStringRoundTripsIncludingColonsInTheFileName()
    {
        var position = new BinlogPosition("host:3306-bin.000007", 81920, 12);
        Assert.Equal("host:3306-bin.000007:81920:12", position.ToString());
        Assert.Equal(position, BinlogPosition.Parse(position.ToString()));
        Assert.False(BinlogPosition.TryParse("bin.000001:-4:0", out _));
        Assert.False(BinlogPosition.TryParse("bin.000001:4", out _));
        Assert.Throws<FormatException>(() => BinlogPosition.Parse("nonsense"));
    }

    [Fact]
    public void JsonFormRoundTrips()
    {
        var position = new BinlogPosition("mariadb-bin.000002", 1234, 5);
        var json = JsonSerializer.Serialize(position);
        Assert.Equal("{\"file\":\"mariadb-bin.000002\",\"offset\":1234,\"row\":5}", json);
        Assert.Equal(position, JsonSerializer.Deserialize<BinlogPosition>(json));
        Assert.Equal(position, JsonSerializer.Deserialize<BinlogPosition>("\"mariadb-bin.000002:1234:5\""));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<BinlogPosition>("{\"offset\":3}"));
    }

    [Fact]
    public void SortKeyOrdersLikeThePositions()
    {
        var gen = from file in Gen.Choose(1, 999999)
                  from offset in Gen.Choose(4, int.MaxValue)
                  from row in Gen.Choose(0, 100000)
                  select new BinlogPosition($"bin.{file:D6}", offset, row);
        Prop.ForAll(Arb.From(gen), Arb.From(gen), (a, b) =>
                Math.Sign(a.CompareTo(b)) == Math.Sign(a.SortKey.CompareTo(b.SortKey)) &&
                BinlogPosition.Parse(a.ToString()) == a)
            .QuickCheckThrowOnFailure();
    }
}
