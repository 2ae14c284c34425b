using FsCheck;
using FsCheck.Fluent;
using Serverless.MySql.Replication;
using Xunit;

namespace Serverless.MySql.Tests;

public class GtidTests
{
    private const string Uuid1 = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
    private const string Uuid2 = "4a6b2c1d-0000-11e1-8000-000000000001";

    [Fact]
    public void GtidSetTextIsCanonicalAfterParsing()
    {
        var set = MySqlGtidSet.Parse($"{Uuid2}:3, {Uuid1.ToUpperInvariant()}:7-9:1-5:6,\n{Uuid2}:1-2");
        Assert.Equal($"{Uuid1}:1-9,{Uuid2}:1-3", set.ToString());
    }

    [Fact]
    public void GtidSetContainsAddAndUnion()
    {
        var set = MySqlGtidSet.Parse($"{Uuid1}:1-5:7-9");
        Assert.True(set.Contains(MySqlGtid.Parse($"{Uuid1}:5")));
        Assert.False(set.Contains(MySqlGtid.Parse($"{Uuid1}:6")));
        Assert.False(set.Contains(MySqlGtid.Parse($"{Uuid2}:1")));
        Assert.True(set.Add(MySqlGtid.Parse($"{Uuid1}:6")));
        Assert.False(set.Add(MySqlGtid.Parse($"{Uuid1}:6")));
        Assert.Equal($"{Uuid1}:1-9", set.ToString());
        var union = MySqlGtidSet.Union(set, MySqlGtidSet.Parse($"{Uuid1}:11:10,{Uuid2}:4"));
        Assert.Equal($"{Uuid1}:1-11,{Uuid2}:4", union.ToString());
        Assert.True(union.IsSupersetOf(set));
        Assert.False(set.IsSupersetOf(union));
    }

    [Fact]
    public void GtidSetRejectsMalformedTextNamingThePart()
    {
        Assert.Contains("5-3", Assert.Throws<FormatException>(() => MySqlGtidSet.Parse($"{Uuid1}:5-3")).Message);
        Assert.Contains("tag", Assert.Throws<FormatException>(() => MySqlGtidSet.Parse($"{Uuid1}:mytag:1-3")).Message);
        Assert.Throws<FormatException>(() => MySqlGtidSet.Parse("not-a-uuid:1"));
    }

    [Fact]
    public void GtidSetBinaryEncodingMatchesTheComBinlogDumpGtidLayout()
    {
        // Layout from the MySQL source docs: n_sids u64, then sid[16], n_intervals u64, (start i64, end-exclusive i64)*.
        var set = MySqlGtidSet.Parse($"{Uuid1}:1-5:7");
        byte[] expected =
        [
            1, 0, 0, 0, 0, 0, 0, 0,
            0x3e, 0x11, 0xfa, 0x47, 0x71, 0xca, 0x11, 0xe1, 0x9e, 0x33, 0xc8, 0x0a, 0xa9, 0x42, 0x95, 0x62,
            2, 0, 0, 0, 0, 0, 0, 0,
            1, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0,
            7, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0,
        ];
        Assert.Equal(expected, set.Encode());
        Assert.Equal(set, MySqlGtidSet.Decode(expected));
        Assert.Throws<FormatException>(() => MySqlGtidSet.Decode(expected.AsSpan(0, 40)));
    }

    [Fact]
    public void GtidSetTextAndBinaryRoundTripForRandomSets()
    {
        var uuids = new[] { Guid.Parse(Uuid1), Guid.Parse(Uuid2), Guid.Parse("00000000-0000-0000-0000-0000000000ff") };
        var gen = Gen.ListOf(from u in Gen.Elements(uuids) from n in Gen.Choose(1, 60) select new MySqlGtid(u, n));
        Prop.ForAll(Arb.From(gen), gtids =>
        {
            var set = new MySqlGtidSet();
            foreach (var g in gtids)
            {
                set.Add(g);
            }

            var reparsed = MySqlGtidSet.Parse(set.ToString());
            var decoded = MySqlGtidSet.Decode(set.Encode());
            return reparsed.Equals(set) && decoded.Equals(set) && gtids.All(set.Contains) &&
                   uuids.SelectMany(u => Enumerable.Range(1, 60).Select(n => new MySqlGtid(u, n)))
                       .All(g => set.Contains(g) == gtids.Contains(g));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void MariaDbGtidParsesAndFormats()
    {
        var gtid = MariaDbGtid.Parse("0-1-270");
        Assert.Equal(new MariaDbGtid(0, 1, 270), gtid);
        Assert.Equal("0-1-270", gtid.ToString());
        Assert.Throws<FormatException>(() => MariaDbGtid.Parse("0-1"));
        Assert.Throws<FormatException>(() => MariaDbGtid.Parse("a-1-2"));
    }

    [Fact]
    public void MariaDbGtidListKeepsOneGtidPerDomainAsTheSlaveConnectState()
    {
        var list = MariaDbGtidList.Parse("1-2-7, 0-1-100");
        Assert.Equal("0-1-100,1-2-7", list.ToString());
        Assert.True(list.Contains(new MariaDbGtid(0, 5, 99)));
        Assert.False(list.Contains(new MariaDbGtid(0, 1, 101)));
        Assert.False(list.Contains(new MariaDbGtid(3, 1, 1)));
        list.Advance(new MariaDbGtid(0, 3, 101));
        list.Advance(new MariaDbGtid(3, 1, 1));
        Assert.Equal("0-3-101,1-2-7,3-1-1", list.ToString());
        Assert.Equal(0, MariaDbGtidList.Parse("").Count);
        Assert.Contains("domain 0 twice", Assert.Throws<FormatException>(() => MariaDbGtidList.Parse("0-1-1,0-2-2")).Message);
    }
}
