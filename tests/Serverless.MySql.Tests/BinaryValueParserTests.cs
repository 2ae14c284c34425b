using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Serverless.MySql.Client;
using Serverless.MySql.Protocol;
using Xunit;

namespace Serverless.MySql.Tests;

/// <summary>Binary-protocol fields read to the values the text protocol's renderings of them parse to.</summary>
public sealed class BinaryValueParserTests
{
    [Fact]
    public void PackedDatesAndDateTimesAgreeWithTheirText()
    {
        var parts = Gen.Choose(0, 9999).SelectMany(y => Gen.Choose(0, 12).SelectMany(mo => Gen.Choose(0, 31).SelectMany(d =>
            Gen.Choose(0, 23).SelectMany(h => Gen.Choose(0, 59).SelectMany(mi => Gen.Choose(0, 59).SelectMany(s =>
                Gen.Choose(0, 999_999).Select(us => new MySqlDateTime(y, mo, d, h, mi, s, us))))))));
        Prop.ForAll(parts.ToArbitrary(), v =>
        {
            var text = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
                $"{v.Year:0000}-{v.Month:00}-{v.Day:00} {v.Hour:00}:{v.Minute:00}:{v.Second:00}.{v.Microsecond:000000}"));
            Assert.True(TextValueParser.TryParseDateTime(text, out var fromText));
            Assert.True(BinaryValueParser.TryReadDateTime(Packed(v, 11), out var fromBinary));
            Assert.Equal(fromText, fromBinary);

            var dateText = text.AsSpan(0, 10);
            Assert.Equal(TextValueParser.TryParseUnixDays(dateText, out var textDays), BinaryValueParser.TryReadUnixDays(Packed(v, 4), out var binaryDays));
            Assert.Equal(textDays, binaryDays);
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData(0, "0000-00-00 00:00:00")]
    [InlineData(4, "2024-02-29 00:00:00")]
    [InlineData(7, "2024-02-29 13:14:15")]
    [InlineData(11, "2024-02-29 13:14:15.000001")]
    public void EachPackedLengthCarriesItsParts(int length, string expected)
    {
        var v = new MySqlDateTime(2024, 2, 29, 13, 14, 15, 1);
        Assert.True(BinaryValueParser.TryReadDateTime(Packed(v, length), out var read));
        Assert.Equal(expected, read.ToString());
    }

    [Fact]
    public void ZeroAndImpossibleDatesHaveNoDayButReadAsSent()
    {
        Assert.False(BinaryValueParser.TryReadUnixDays(Packed(new MySqlDateTime(2020, 0, 0, 0, 0, 0, 0), 4), out _));
        Assert.False(BinaryValueParser.TryReadUnixDays(Packed(new MySqlDateTime(2023, 2, 29, 0, 0, 0, 0), 4), out _));
        Assert.False(BinaryValueParser.TryReadUnixDays([], out _));
        Assert.True(BinaryValueParser.TryReadDateTime(Packed(new MySqlDateTime(2020, 0, 0, 0, 0, 0, 0), 4), out var zeroInDate));
        Assert.Equal(new MySqlDateTime(2020, 0, 0, 0, 0, 0, 0), zeroInDate);
        Assert.True(BinaryValueParser.TryReadUnixDays(Packed(new MySqlDateTime(1970, 1, 2, 0, 0, 0, 0), 4), out var day));
        Assert.Equal(1, day);
        Assert.False(BinaryValueParser.TryReadDateTime(new byte[5], out _));
    }

    [Theory]
    [InlineData("-838:59:59", false, 34u, 22, 59, 59, 0u)]
    [InlineData("838:59:59.000000", true, 34u, 22, 59, 59, 0u)]
    [InlineData("-00:00:00.000001", true, 0u, 0, 0, 0, 1u)]
    [InlineData("-01:02:03.500000", true, 0u, 1, 2, 3, 500_000u)]
    [InlineData("24:00:00", false, 1u, 0, 0, 0, 0u)]
    public void PackedTimesAgreeWithTheirText(string text, bool withMicroseconds, uint days, byte hours, byte minutes, byte seconds, uint micro)
    {
        var field = new byte[withMicroseconds ? 12 : 8];
        field[0] = text.StartsWith('-') ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32LittleEndian(field.AsSpan(1), days);
        field[5] = hours;
        field[6] = minutes;
        field[7] = seconds;
        if (withMicroseconds)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(field.AsSpan(8), micro);
        }

        Assert.True(TextValueParser.TryParseTime(Encoding.ASCII.GetBytes(text), out var expected));
        Assert.True(BinaryValueParser.TryReadTime(field, out var actual));
        Assert.Equal(expected, actual);
        Assert.True(BinaryValueParser.TryReadTime([], out var zero));
        Assert.Equal(TimeSpan.Zero, zero);
        Assert.False(BinaryValueParser.TryReadTime(new byte[9], out _));
    }

    [Theory]
    [InlineData(new byte[] { 0x80 }, false, -128L)]
    [InlineData(new byte[] { 0x80 }, true, 128L)]
    [InlineData(new byte[] { 0x00, 0x80 }, false, -32768L)]
    [InlineData(new byte[] { 0xFF, 0xFF }, true, 65535L)]
    [InlineData(new byte[] { 0x00, 0x00, 0x00, 0x80 }, false, -2147483648L)]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }, true, 4294967295L)]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F }, true, long.MaxValue)]
    public void IntegersReadByWidthAndSignedness(byte[] field, bool unsigned, long expected)
    {
        Assert.True(BinaryValueParser.TryReadInt64(field, unsigned, out var value));
        Assert.Equal(expected, value);
    }

    [Fact]
    public void UnsignedBigintsBeyondInt64AreReadOnlyAsUnsigned()
    {
        byte[] max = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
        Assert.False(BinaryValueParser.TryReadInt64(max, unsigned: true, out _));
        Assert.True(BinaryValueParser.TryReadUInt64(max, unsigned: true, out var u));
        Assert.Equal(ulong.MaxValue, u);
        Assert.False(BinaryValueParser.TryReadUInt64(max, unsigned: false, out _));
        Assert.False(BinaryValueParser.TryReadInt64(new byte[3], unsigned: false, out _));
    }

    [Fact]
    public void FieldSizesFollowTheWireTypes()
    {
        Assert.Equal(1, BinaryValueParser.FieldSize(ColumnType.Tiny));
        Assert.Equal(2, BinaryValueParser.FieldSize(ColumnType.Year));
        Assert.Equal(4, BinaryValueParser.FieldSize(ColumnType.Int24));
        Assert.Equal(4, BinaryValueParser.FieldSize(ColumnType.Float));
        Assert.Equal(8, BinaryValueParser.FieldSize(ColumnType.Double));
        Assert.Equal(0, BinaryValueParser.FieldSize(ColumnType.Date));
        Assert.Equal(0, BinaryValueParser.FieldSize(ColumnType.Time));
        Assert.Equal(-1, BinaryValueParser.FieldSize(ColumnType.NewDecimal));
        Assert.Equal(-1, BinaryValueParser.FieldSize(ColumnType.Bit));
        Assert.Equal(-1, BinaryValueParser.FieldSize(ColumnType.VarString));
    }

    /// <summary>A DATE/DATETIME field of <paramref name="length"/> bytes (after its length byte) holding <paramref name="v"/>.</summary>
    private static byte[] Packed(MySqlDateTime v, int length)
    {
        var field = new byte[length];
        if (length == 0)
        {
            return field;
        }

        BinaryPrimitives.WriteUInt16LittleEndian(field, (ushort)v.Year);
        field[2] = (byte)v.Month;
        field[3] = (byte)v.Day;
        if (length >= 7)
        {
            field[4] = (byte)v.Hour;
            field[5] = (byte)v.Minute;
            field[6] = (byte)v.Second;
        }

        if (length == 11)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(field.AsSpan(7), (uint)v.Microsecond);
        }

        return field;
    }
}
