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
                var part2Length = Math.Max(13, authDataLength - 8);
                var part2 = r.ReadBytes(Math.Min(part2Length, r.Remaining));

                // The second part is NUL-terminated; the scramble itself is 20 bytes in total.
                if (part2.Length > 0 && part2[^1] == 0)
                {
                    part2 = part2[..^1];
                }

                scramble = [.. part1, .. part2];
            }

            if ((capabilities & CapabilityFlags.PluginAuth) != 0 && !r.AtEnd)
            {
                plugin = r.ReadNullTerminatedString();
            }
        }

        return new InitialHandshake(version, connectionId, scramble, capabilities, charset, status, plugin);
    }
}
