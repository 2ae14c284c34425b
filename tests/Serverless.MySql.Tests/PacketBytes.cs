namespace Serverless.MySql.Tests;

/// <summary>Wire bytes for packet-level tests: framed packets and recognisable payloads.</summary>
internal static class PacketBytes
{
    /// <summary>A payload whose bytes differ from their neighbours at every offset, so a misplaced copy shows.</summary>
    public static byte[] Pattern(int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)((i * 31) ^ (i >> 11));
        }

        return bytes;
    }

    /// <summary>Packets framed as the protocol sends them: 3-byte little-endian length, sequence id, payload.</summary>
    public static byte[] Packets(params (byte Sequence, byte[] Payload)[] packets)
    {
        var output = new List<byte>();
        foreach (var (sequence, payload) in packets)
        {
            output.Add((byte)payload.Length);
            output.Add((byte)(payload.Length >> 8));
            output.Add((byte)(payload.Length >> 16));
            output.Add(sequence);
            output.AddRange(payload);
        }

        return [.. output];
    }
}
