using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Serverless.Cdc.Transport.Embedded;

/// <summary>
/// CRC-32C (Castagnoli), the checksum of segment frames, as Kafka's record batches use it: <see cref="BitOperations.Crc32C(uint, ulong)"/>
/// runs on the CPU's CRC instruction (SSE4.2, ARMv8), several times faster than the table-driven IEEE CRC-32.
/// </summary>
internal static class Crc32C
{
    public const uint Start = 0xFFFFFFFF;

    public static uint Finish(uint state) => ~state;

    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (var word in words)
        {
            crc = BitOperations.Crc32C(crc, BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word));
        }

        foreach (var b in data[(words.Length * sizeof(ulong))..])
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }
}
