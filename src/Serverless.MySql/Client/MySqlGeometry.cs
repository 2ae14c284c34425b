namespace Serverless.MySql.Client;

/// <summary>
/// A GEOMETRY value as the server stores it: a 4-byte little-endian SRID followed by standard WKB.
/// </summary>
public sealed record MySqlGeometry(uint Srid, byte[] Wkb)
{
    public static MySqlGeometry FromInternal(ReadOnlySpan<byte> value)
    {
        if (value.Length < 4)
        {
            throw new InvalidCastException($"A GEOMETRY value needs at least 4 bytes (SRID), got {value.Length}.");
        }

        return new MySqlGeometry(System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(value), value[4..].ToArray());
    }
}
