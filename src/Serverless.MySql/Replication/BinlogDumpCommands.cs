using System.Buffers.Binary;
using System.Text;

namespace Serverless.MySql.Replication;

/// <summary>Payloads of the replication commands a replica sends (first byte is the command code).</summary>
public static class BinlogDumpCommands
{
    public const byte RegisterSlave = 0x15;
    public const byte BinlogDump = 0x12;
    public const byte BinlogDumpGtid = 0x1e;

    /// <summary>COM_BINLOG_DUMP_GTID flag: the GTID set follows.</summary>
    public const ushort ThroughGtid = 0x04;

    /// <summary>COM_REGISTER_SLAVE: server id, then host, user, password (1-byte lengths), port, rank, source id.</summary>
    public static byte[] RegisterReplica(uint serverId, string hostName = "", string user = "", string password = "", ushort port = 0)
    {
        var host = Encoding.UTF8.GetBytes(hostName);
        var u = Encoding.UTF8.GetBytes(user);
        var p = Encoding.UTF8.GetBytes(password);
        if (host.Length > 255 || u.Length > 255 || p.Length > 255)
        {
            throw new ArgumentException("COM_REGISTER_SLAVE host, user and password are limited to 255 bytes each.");
        }

        var bytes = new byte[1 + 4 + 1 + host.Length + 1 + u.Length + 1 + p.Length + 2 + 4 + 4];
        var o = 0;
        bytes[o++] = RegisterSlave;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(o), serverId);
        o += 4;
        foreach (var field in new[] { host, u, p })
        {
            bytes[o++] = (byte)field.Length;
            field.CopyTo(bytes, o);
            o += field.Length;
        }

        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(o), port);
        return bytes; // rank and source id stay 0.
    }

    /// <summary>COM_BINLOG_DUMP: position (u32), flags (u16), server id (u32), file name (rest). An empty name with GTID state set dumps by GTID on MariaDB.</summary>
    public static byte[] Dump(uint serverId, string fileName, long position, ushort flags = 0)
    {
        if (position is < 0 or > uint.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(position), position, "COM_BINLOG_DUMP positions are 32-bit; use COM_BINLOG_DUMP_GTID beyond 4 GiB.");
        }

        var name = Encoding.UTF8.GetBytes(fileName);
        var bytes = new byte[1 + 4 + 2 + 4 + name.Length];
        bytes[0] = BinlogDump;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(1), (uint)position);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(5), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(7), serverId);
        name.CopyTo(bytes, 11);
        return bytes;
    }

    /// <summary>
    /// MySQL COM_BINLOG_DUMP_GTID: flags (u16), server id (u32), file name length (u32) and name, position (u64), then with
    /// <see cref="ThroughGtid"/> the encoded GTID set's length (u32) and bytes. The server skips transactions in the set.
    /// </summary>
    public static byte[] DumpGtid(uint serverId, MySqlGtidSet executed, string fileName = "", long position = 4, ushort flags = 0)
    {
        ArgumentNullException.ThrowIfNull(executed);
        var name = Encoding.UTF8.GetBytes(fileName);
        var setLength = executed.EncodedLength;
        var bytes = new byte[1 + 2 + 4 + 4 + name.Length + 8 + 4 + setLength];
        var o = 0;
        bytes[o++] = BinlogDumpGtid;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(o), (ushort)(flags | ThroughGtid));
        o += 2;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(o), serverId);
        o += 4;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(o), (uint)name.Length);
        o += 4;
        name.CopyTo(bytes, o);
        o += name.Length;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(o), (ulong)position);
        o += 8;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(o), (uint)setLength);
        o += 4;
        executed.Encode(bytes.AsSpan(o));
        return bytes;
    }
}
