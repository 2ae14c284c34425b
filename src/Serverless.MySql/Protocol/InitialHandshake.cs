using Serverless.MySql.Client;

namespace Serverless.MySql.Protocol;

/// <summary>The server's first packet (Protocol::HandshakeV10).</summary>
public sealed record InitialHandshake(
    string ServerVersion,
    uint ConnectionId,
    byte[] Scramble,
    CapabilityFlags Capabilities,
    byte CharacterSet,
    ServerStatusFlags Status,
    string AuthPluginName)
{
    public static InitialHandshake Parse(ReadOnlySpan<byte> payload)
    {
        var r = new PayloadReader(payload, "initial handshake");
        var protocolVersion = r.ReadByte();
        if (protocolVersion != 10)
        {
            throw MySqlException.Protocol($"handshake protocol version {protocolVersion} is not supported (only v10, MySQL 4.1 and later)");
        }

        var version = r.ReadNullTerminatedString();
        var connectionId = r.ReadUInt32();
        var part1 = r.ReadBytes(8);
        r.Skip(1);
        var capabilities = (CapabilityFlags)r.ReadUInt16();
        byte charset = 0;
        var status = ServerStatusFlags.None;
        var scramble = part1.ToArray();
        var plugin = "mysql_native_password";
        if (!r.AtEnd)
        {
            charset = r.ReadByte();
            status = (ServerStatusFlags)r.ReadUInt16();
            capabilities |= (CapabilityFlags)((ulong)r.ReadUInt16() << 16);
            var authDataLength = r.ReadByte();
            r.Skip(10);
            if ((capabilities & CapabilityFlags.SecureConnection) != 0)
            {
                // MAX(13, length - 8) bytes follow, the last being the NUL that ends the scramble (20 bytes in all).
                var part2Length = Math.Min(Math.Max(13, authDataLength - 8), r.Remaining);
                var part2 = r.ReadBytes(part2Length);
                var scrambleLength = authDataLength > 8 ? authDataLength - 9 : 12;
                scramble = [.. part1, .. part2[..Math.Min(scrambleLength, part2.Length)]];
            }

            if ((capabilities & CapabilityFlags.PluginAuth) != 0 && !r.AtEnd)
            {
                plugin = r.ReadNullTerminatedString();
            }
        }

        return new InitialHandshake(version, connectionId, scramble, capabilities, charset, status, plugin);
    }
}
