using System.Security.Cryptography;
using System.Text;

namespace Serverless.MySql.Protocol;

/// <summary>The client responses of the password authentication methods.</summary>
public static class AuthScramble
{
    /// <summary>
    /// mysql_native_password: SHA1(password) XOR SHA1(scramble + SHA1(SHA1(password))); empty for an empty password.
    /// </summary>
    public static byte[] NativePassword(string password, ReadOnlySpan<byte> scramble)
    {
        if (password.Length == 0)
        {
            return [];
        }

        Span<byte> stage1 = stackalloc byte[20];
        Span<byte> stage2 = stackalloc byte[20];
        SHA1.HashData(Encoding.UTF8.GetBytes(password), stage1);
        SHA1.HashData(stage1, stage2);
        var salted = new byte[scramble.Length + 20];
        scramble.CopyTo(salted);
        stage2.CopyTo(salted.AsSpan(scramble.Length));
        var result = SHA1.HashData(salted);
        for (var i = 0; i < result.Length; i++)
        {
            result[i] ^= stage1[i];
        }

        return result;
    }

    /// <summary>
    /// caching_sha2_password fast path: SHA256(password) XOR SHA256(SHA256(SHA256(password)) + scramble); empty for an empty password.
    /// </summary>
    public static byte[] CachingSha2Password(string password, ReadOnlySpan<byte> scramble)
    {
        if (password.Length == 0)
        {
            return [];
        }

        Span<byte> p1 = stackalloc byte[32];
        Span<byte> p2 = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(password), p1);
        SHA256.HashData(p1, p2);
        var salted = new byte[32 + scramble.Length];
        p2.CopyTo(salted);
        scramble.CopyTo(salted.AsSpan(32));
        var result = SHA256.HashData(salted);
        for (var i = 0; i < result.Length; i++)
        {
            result[i] ^= p1[i];
        }

        return result;
    }

    /// <summary>The password as sent in clear (over TLS only): UTF-8 bytes and a terminating NUL.</summary>
    public static byte[] ClearPassword(string password)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(password) + 1];
        Encoding.UTF8.GetBytes(password, bytes);
        return bytes;
    }

    /// <summary>
    /// caching_sha2_password / sha256_password full authentication without TLS: (password + NUL) XOR scramble
    /// (repeated), encrypted with the server's RSA public key using OAEP padding with SHA-1.
    /// </summary>
    public static byte[] RsaEncryptedPassword(string password, ReadOnlySpan<byte> scramble, string publicKeyPem)
    {
        var clear = ClearPassword(password);
        if (scramble.Length > 0)
        {
            for (var i = 0; i < clear.Length; i++)
            {
                clear[i] ^= scramble[i % scramble.Length];
            }
        }

        using var rsa = RSA.Create();
        rsa.ImportFromPem(publicKeyPem);
        return rsa.Encrypt(clear, RSAEncryptionPadding.OaepSHA1);
    }
}
