using System.Numerics;
using System.Security.Cryptography;

namespace Serverless.MySql.Protocol;

/// <summary>
/// Ed25519 signing (RFC 8032, section 5.1) for MariaDB's client_ed25519 authentication, which signs the server's
/// 32-byte scramble with the password itself as the secret seed (any length; RFC 8032 seeds are 32 bytes).
/// .NET has no built-in Ed25519. This implementation uses BigInteger arithmetic in extended coordinates: it is
/// correct (RFC 8032 test vectors) but neither fast nor constant-time, which is acceptable for signing one
/// scramble per connection on the client.
/// </summary>
public static class Ed25519
{
    private static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;
    private static readonly BigInteger L = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly BigInteger D = Mod(-121665 * Inverse(121666));
    private static readonly BigInteger SqrtMinusOne = BigInteger.ModPow(2, (P - 1) / 4, P);
    private static readonly Point BasePoint = CreateBasePoint();

    /// <summary>Signs <paramref name="message"/> with the key derived from <paramref name="seed"/>; returns R || S (64 bytes).</summary>
    public static byte[] Sign(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> message)
    {
        var h = SHA512.HashData(seed);
        var a = ClampedScalar(h);
        var publicKey = Encode(Multiply(a, BasePoint));
        var r = Mod(FromLittleEndian(SHA512.HashData([.. h.AsSpan(32, 32), .. message])), L);
        var encodedR = Encode(Multiply(r, BasePoint));
        var k = Mod(FromLittleEndian(SHA512.HashData([.. encodedR, .. publicKey, .. message])), L);
        var s = Mod(r + (k * a), L);
        var signature = new byte[64];
        encodedR.CopyTo(signature, 0);
        s.TryWriteBytes(signature.AsSpan(32), out _, isUnsigned: true, isBigEndian: false);
        return signature;
    }

    /// <summary>The public key (A = a·B, encoded) for <paramref name="seed"/>.</summary>
    public static byte[] PublicKey(ReadOnlySpan<byte> seed) => Encode(Multiply(ClampedScalar(SHA512.HashData(seed)), BasePoint));

    private static BigInteger ClampedScalar(byte[] hash)
    {
        var scalar = hash.AsSpan(0, 32).ToArray();
        scalar[0] &= 248;
        scalar[31] &= 127;
        scalar[31] |= 64;
        return FromLittleEndian(scalar);
    }

    private static Point CreateBasePoint()
    {
        var y = Mod(4 * Inverse(5));
        var x = RecoverX(y);
        return new Point(x, y, 1, Mod(x * y));
    }

    private static BigInteger RecoverX(BigInteger y)
    {
        var x2 = Mod(((y * y) - 1) * Inverse((D * y * y) + 1));
        var x = BigInteger.ModPow(x2, (P + 3) / 8, P);
        if (Mod((x * x) - x2) != 0)
        {
            x = Mod(x * SqrtMinusOne);
        }

        // The base point has the even ("positive") x.
        return x.IsEven ? x : P - x;
    }

    private static Point Add(Point p, Point q)
    {
        var a = Mod((p.Y - p.X) * (q.Y - q.X));
        var b = Mod((p.Y + p.X) * (q.Y + q.X));
        var c = Mod(2 * p.T * q.T * D);
        var d = Mod(2 * p.Z * q.Z);
        var e = b - a;
        var f = d - c;
        var g = d + c;
        var h = b + a;
        return new Point(Mod(e * f), Mod(g * h), Mod(f * g), Mod(e * h));
    }

    private static Point Multiply(BigInteger scalar, Point point)
    {
        var result = new Point(0, 1, 1, 0);
        while (scalar > 0)
        {
            if (!scalar.IsEven)
            {
                result = Add(result, point);
            }

            point = Add(point, point);
            scalar >>= 1;
        }

        return result;
    }

    private static byte[] Encode(Point point)
    {
        var zInverse = Inverse(point.Z);
        var x = Mod(point.X * zInverse);
        var y = Mod(point.Y * zInverse);
        var bytes = new byte[32];
        y.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false);
        if (!x.IsEven)
        {
            bytes[31] |= 0x80;
        }

        return bytes;
    }

    private static BigInteger FromLittleEndian(ReadOnlySpan<byte> bytes) => new(bytes, isUnsigned: true, isBigEndian: false);

    private static BigInteger Inverse(BigInteger value) => BigInteger.ModPow(Mod(value), P - 2, P);

    private static BigInteger Mod(BigInteger value) => Mod(value, P);

    private static BigInteger Mod(BigInteger value, BigInteger modulus)
    {
        var r = value % modulus;
        return r.Sign < 0 ? r + modulus : r;
    }

    private readonly record struct Point(BigInteger X, BigInteger Y, BigInteger Z, BigInteger T);
}
