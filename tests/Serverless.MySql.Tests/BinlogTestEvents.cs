using System.Buffers.Binary;
using System.Text;
using Serverless.MySql.Binlog;

namespace Serverless.MySql.Tests;

/// <summary>Builds binlog events byte by byte from the v4 event layout, for tests of formats MariaDB cannot produce here.</summary>
internal static class BinlogTestEvents
{
    public static byte[] Event(BinlogEventType type, byte[] body, uint nextPosition = 1000, bool checksum = true, ushort flags = 0)
    {
        var size = BinlogEventHeader.Size + body.Length + (checksum ? 4 : 0);
        var bytes = new byte[size];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, 1_700_000_000);
        bytes[4] = (byte)type;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(5), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(9), (uint)size);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(13), nextPosition);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(17), flags);
        body.CopyTo(bytes, BinlogEventHeader.Size);
        if (checksum)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(size - 4), Crc32.Compute(bytes.AsSpan(0, size - 4)));
        }

        return bytes;
    }

    /// <summary>A FORMAT_DESCRIPTION as MySQL 8.0 writes it (post-header lengths for the types the decoder looks at).</summary>
    public static byte[] FormatDescription(string serverVersion = "8.0.36", bool crc32 = true)
    {
        var body = new List<byte>();
        body.AddRange([4, 0]);
        var version = new byte[50];
        Encoding.ASCII.GetBytes(serverVersion).CopyTo(version, 0);
        body.AddRange(version);
        body.AddRange([0, 0, 0, 0, 19]);
        var postHeaders = new byte[41];
        postHeaders[(int)BinlogEventType.Query - 1] = 13;
        postHeaders[(int)BinlogEventType.Rotate - 1] = 8;
        postHeaders[(int)BinlogEventType.TableMap - 1] = 8;
        for (var t = BinlogEventType.WriteRowsV1; t <= BinlogEventType.DeleteRowsV1; t++)
        {
            postHeaders[(int)t - 1] = 8;
        }

        for (var t = BinlogEventType.WriteRowsV2; t <= BinlogEventType.DeleteRowsV2; t++)
        {
            postHeaders[(int)t - 1] = 10;
        }

        postHeaders[(int)BinlogEventType.MySqlGtid - 1] = 42;
        body.AddRange(postHeaders);
        body.Add(crc32 ? (byte)1 : (byte)0);
        if (!crc32)
        {
            body.AddRange([0, 0, 0, 0]);
        }

        return Event(BinlogEventType.FormatDescription, [.. body], 120, checksum: crc32);
    }

    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    public static byte[] LengthPrefixed(string text) => Concat([(byte)Encoding.UTF8.GetByteCount(text)], Encoding.UTF8.GetBytes(text));
}
