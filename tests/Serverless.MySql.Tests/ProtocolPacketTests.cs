using Serverless.MySql.Client;
using Serverless.MySql.Protocol;
using Xunit;

namespace Serverless.MySql.Tests;

/// <summary>Packet framing (3-byte length, sequence id, continuation packets for payloads of 2^24-1 bytes and more), from bytes built per the documentation.</summary>
public sealed class ProtocolPacketTests
{
    private const int Max = 0xFFFFFF;

    [Fact]
    public void DocumentedComQuitHeaderParses()
    {
        // COM_QUIT as shown in the documentation: 01 00 00 00 01.
        byte[] packet = [0x01, 0x00, 0x00, 0x00, 0x01];
        Assert.Equal((1, (byte)0), PacketChannel.ParseHeader(packet));
        Assert.Equal((Max, (byte)7), PacketChannel.ParseHeader([0xFF, 0xFF, 0xFF, 0x07]));
    }

    [Fact]
    public async Task SmallPacketsAreReadInOrderWithTheirSequenceIds()
    {
        var bytes = PacketBytes.Packets((0, [0x0A, 0x01]), (1, []), (2, [0x03, .. "SELECT 1"u8.ToArray()]));
        await using var channel = new PacketChannel(new TrickleStream(bytes, 3), "test", readBufferSize: 64);
        Assert.Equal(new byte[] { 0x0A, 0x01 }, (await channel.ReadPayloadAsync(default)).ToArray());
        Assert.Equal(0, (await channel.ReadPayloadAsync(default)).Length);
        Assert.Equal("\u0003SELECT 1", System.Text.Encoding.ASCII.GetString((await channel.ReadPayloadAsync(default)).Span));
        Assert.Equal(3, channel.Sequence);
    }

    [Fact]
    public async Task PayloadOfExactlyTheMaximumIsFollowedByAnEmptyPacket()
    {
        var payload = PacketBytes.Pattern(Max);
        var written = await WriteAsync(payload);
        Assert.Equal(4 + Max + 4, written.Length);
        Assert.Equal((Max, (byte)0), PacketChannel.ParseHeader(written));
        Assert.Equal((0, (byte)1), PacketChannel.ParseHeader(written.AsSpan(4 + Max)));
        await using var channel = new PacketChannel(new TrickleStream(written, 1 << 20), "test");
        Assert.True((await channel.ReadPayloadAsync(default)).Span.SequenceEqual(payload));
        Assert.Equal(2, channel.Sequence);
    }

    [Fact]
    public async Task PayloadAboveSixteenMebibytesIsSplitAndReassembled()
    {
        var payload = PacketBytes.Pattern((2 * Max) + 12345);
        var written = await WriteAsync(payload);
        Assert.Equal((Max, (byte)0), PacketChannel.ParseHeader(written));
        Assert.Equal((Max, (byte)1), PacketChannel.ParseHeader(written.AsSpan(4 + Max)));
        Assert.Equal((12345, (byte)2), PacketChannel.ParseHeader(written.AsSpan(8 + (2 * Max))));

        // A small packet after the large one comes out of the ordinary buffer again.
        byte[] stream = [.. written, ..PacketBytes.Packets((3, [0xFE, 0, 0, 2, 0]))];
        await using var channel = new PacketChannel(new TrickleStream(stream, 65521), "test", readBufferSize: 4096);
        Assert.True((await channel.ReadPayloadAsync(default)).Span.SequenceEqual(payload));
        Assert.Equal(new byte[] { 0xFE, 0, 0, 2, 0 }, (await channel.ReadPayloadAsync(default)).ToArray());
    }

    [Fact]
    public async Task PayloadLargerThanTheReadBufferButBelowOnePacketIsReassembled()
    {
        var payload = PacketBytes.Pattern(100_000);
        var written = await WriteAsync(payload);
        await using var channel = new PacketChannel(new TrickleStream(written, 999), "test", readBufferSize: 1024);
        Assert.True((await channel.ReadPayloadAsync(default)).Span.SequenceEqual(payload));
    }

    [Fact]
    public async Task OutOfOrderSequenceIdIsAProtocolError()
    {
        await using var channel = new PacketChannel(new MemoryStream(PacketBytes.Packets((0, [1]), (5, [2]))), "test");
        await channel.ReadPayloadAsync(default);
        var e = await Assert.ThrowsAsync<MySqlException>(async () => await channel.ReadPayloadAsync(default));
        Assert.Equal(MySqlErrorKind.Protocol, e.Kind);
        Assert.Contains("sequence id 5 arrived where 1 was expected", e.Message);
        Assert.True(channel.IsBroken);
    }

    [Fact]
    public async Task StreamEndingInsideAPacketMeansTheServerClosedTheConnection()
    {
        var bytes = PacketBytes.Packets((0, [1, 2, 3, 4, 5]))[..6];
        await using var channel = new PacketChannel(new MemoryStream(bytes), "db.example:3306");
        var e = await Assert.ThrowsAsync<MySqlException>(async () => await channel.ReadPayloadAsync(default));
        Assert.Equal(MySqlErrorKind.ConnectionClosed, e.Kind);
        Assert.Contains("db.example:3306 closed the connection", e.Message);
    }

    [Fact]
    public async Task PayloadAboveTheConfiguredLimitIsRejectedBeforeItIsBuffered()
    {
        // Header of a maximum-size packet with no body behind it: the limit check must come first.
        byte[] header = [0xFF, 0xFF, 0xFF, 0x00];
        await using var channel = new PacketChannel(new MemoryStream(header), "test") { MaxPayloadSize = 1_000_000 };
        var e = await Assert.ThrowsAsync<MySqlException>(async () => await channel.ReadPayloadAsync(default));
        Assert.Equal(MySqlErrorKind.Protocol, e.Kind);
        Assert.Contains("MaxPayloadSize", e.Message);
    }

    [Fact]
    public async Task PacketsAlreadyReceivedAreHandedOutWithoutIo()
    {
        await using var channel = new PacketChannel(new MemoryStream(PacketBytes.Packets((0, [9]), (1, [8, 7]))), "test");
        Assert.False(channel.TryReadBuffered(out _));
        Assert.Equal(new byte[] { 9 }, (await channel.ReadPayloadAsync(default)).ToArray());
        Assert.True(channel.TryReadBuffered(out var second));
        Assert.Equal(new byte[] { 8, 7 }, second.ToArray());
        Assert.False(channel.TryReadBuffered(out _));
    }

    private static async Task<byte[]> WriteAsync(byte[] payload)
    {
        var output = new MemoryStream();
        await using var channel = new PacketChannel(output, "test");
        var writer = new PayloadWriter(payload.Length + 8);
        writer.WriteBytes(payload);
        await channel.WritePayloadAsync(writer, default);
        return output.ToArray();
    }

    /// <summary>Hands out at most a few bytes per read, as a slow network would, to exercise buffer refills across packet boundaries.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(chunk, buffer.Length)], cancellationToken);
    }
}
