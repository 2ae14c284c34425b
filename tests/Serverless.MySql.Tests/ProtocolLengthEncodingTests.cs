using FsCheck;
using FsCheck.Fluent;
using Serverless.MySql.Client;
using Serverless.MySql.Protocol;
using Xunit;

namespace Serverless.MySql.Tests;

/// <summary>Length-encoded integers and strings against the byte forms given in the protocol documentation.</summary>
public sealed class ProtocolLengthEncodingTests
{
    [Theory]
    [InlineData(new byte[] { 0x00 }, 0ul)]
    [InlineData(new byte[] { 0xFA }, 250ul)]
    [InlineData(new byte[] { 0xFC, 0xFB, 0x00 }, 251ul)]
    [InlineData(new byte[] { 0xFC, 0xFF, 0xFF }, 65535ul)]
    [InlineData(new byte[] { 0xFD, 0x00, 0x00, 0x01 }, 65536ul)]
    [InlineData(new byte[] { 0xFD, 0xFF, 0xFF, 0xFF }, 16777215ul)]
    [InlineData(new byte[] { 0xFE, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00 }, 16777216ul)]
    [InlineData(new byte[] { 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, ulong.MaxValue)]
    public void DocumentedEncodingsDecodeAndEncodeToTheSameBytes(byte[] encoded, ulong value)
    {
        Assert.Equal(encoded.Length, LengthEncoding.ReadInteger(encoded, out var decoded));
        Assert.Equal(value, decoded);
        var buffer = new byte[9];
        Assert.Equal(encoded.Length, LengthEncoding.WriteInteger(buffer, value));
        Assert.Equal(encoded, buffer[..encoded.Length]);
        Assert.Equal(encoded.Length, LengthEncoding.IntegerSize(value));
    }

    [Fact]
    public void AnyIntegerRoundTripsThroughTheShortestForm()
    {
        Prop.ForAll<ulong, byte>((value, shift) =>
        {
            var v = value >> (shift % 64);
            var buffer = new byte[9];
            var written = LengthEncoding.WriteInteger(buffer, v);
            var read = LengthEncoding.ReadInteger(buffer.AsSpan(0, written), out var back);
            return read == written && back == v && written == LengthEncoding.IntegerSize(v) && buffer[0] != 0xFB && buffer[0] != 0xFF;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void NullMarkerErrorHeaderAndTruncationAreNotIntegers()
    {
        Assert.Equal(-1, LengthEncoding.ReadInteger([0xFB], out _));
        Assert.Equal(-1, LengthEncoding.ReadInteger([0xFF], out _));
        Assert.Equal(0, LengthEncoding.ReadInteger([0xFC, 0x01], out _));
        Assert.Equal(0, LengthEncoding.ReadInteger([0xFE, 1, 2, 3, 4, 5, 6, 7], out _));
        Assert.Equal(0, LengthEncoding.ReadInteger([], out _));
    }

    [Fact]
    public void LengthEncodedStringsAreBoundsChecked()
    {
        byte[] payload = [0x03, (byte)'d', (byte)'e', (byte)'f', 0x05, (byte)'a'];
        var reader = new PayloadReader(payload, "column definition");
        Assert.Equal("def", reader.ReadLengthEncodedString());
        var e = Assert.Throws<MySqlException>(() =>
        {
            var r = new PayloadReader(payload, "column definition") { Position = 4 };
            r.ReadLengthEncodedBytes();
        });
        Assert.Equal(MySqlErrorKind.Protocol, e.Kind);
        Assert.Contains("column definition declares a 5-byte string at offset 4 but only 1 bytes remain", e.Message);
    }

    [Fact]
    public void PayloadWriterProducesTheSameEncodings()
    {
        var w = new PayloadWriter(4);
        w.WriteLengthEncodedInteger(251);
        w.WriteLengthEncodedUtf8("é");
        w.WriteNullTerminatedUtf8("ab");
        w.WriteUInt32(0x01020304);
        Assert.Equal(new byte[] { 0xFC, 0xFB, 0x00, 0x02, 0xC3, 0xA9, (byte)'a', (byte)'b', 0, 4, 3, 2, 1 }, w.Payload.ToArray());
    }
}
