using System.Security.Cryptography;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Serverless.MySql.Protocol;
using Xunit;

namespace Serverless.MySql.Tests;

/// <summary>
/// The client's authentication responses, checked the way the server checks them (documented formulas,
/// computed here independently with the server's stored hash), plus negative controls.
/// </summary>
public sealed class AuthScrambleTests
{
    [Fact]
    public void NativePasswordResponsePassesTheServerCheck()
    {
        Prop.ForAll<NonEmptyString, byte[]>((password, salt) =>
        {
            var scramble = Scramble(salt);
            var response = AuthScramble.NativePassword(password.Get, scramble);
            return response.Length == 20 && ServerAcceptsNative(password.Get, scramble, response);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void NativePasswordResponseFailsTheServerCheckForAnotherPassword()
    {
        var scramble = Scramble([1, 2, 3]);
        var response = AuthScramble.NativePassword("secret", scramble);
        Assert.True(ServerAcceptsNative("secret", scramble, response));
        Assert.False(ServerAcceptsNative("Secret", scramble, response));
        Assert.False(ServerAcceptsNative("secret", Scramble([1, 2, 4]), response));
    }

    [Fact]
    public void NativePasswordMatchesTheDocumentedFormulaForAKnownInput()
    {
        // SHA1(password) XOR SHA1(scramble + SHA1(SHA1(password))), spelled out step by step.
        var scramble = Encoding.ASCII.GetBytes("abcdefghij0123456789");
        var stage1 = SHA1.HashData("serverless"u8);
        var stage2 = SHA1.HashData(stage1);
        var mask = SHA1.HashData([.. scramble, .. stage2]);
        var expected = stage1.Zip(mask, (a, b) => (byte)(a ^ b)).ToArray();
        Assert.Equal(expected, AuthScramble.NativePassword("serverless", scramble));

        // What MariaDB stores for the password (PASSWORD('serverless')) is '*' + HEX(stage2).
        Assert.Equal(40, Convert.ToHexString(stage2).Length);
    }

    [Fact]
    public void CachingSha2ResponsePassesTheServerCheck()
    {
        Prop.ForAll<NonEmptyString, byte[]>((password, salt) =>
        {
            var scramble = Scramble(salt);
            var response = AuthScramble.CachingSha2Password(password.Get, scramble);
            return response.Length == 32 && ServerAcceptsCachingSha2(password.Get, scramble, response);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void CachingSha2MatchesTheDocumentedFormulaAndRejectsOtherPasswords()
    {
        // XOR(SHA256(password), SHA256(SHA256(SHA256(password)), scramble)).
        var scramble = Encoding.ASCII.GetBytes("ABCDEFGHIJKLMNOPQRST");
        var p1 = SHA256.HashData("pässword"u8);
        var p2 = SHA256.HashData(p1);
        var digest = SHA256.HashData([.. p2, .. scramble]);
        var expected = p1.Zip(digest, (a, b) => (byte)(a ^ b)).ToArray();
        var response = AuthScramble.CachingSha2Password("pässword", scramble);
        Assert.Equal(expected, response);
        Assert.False(ServerAcceptsCachingSha2("password", scramble, response));
    }

    [Fact]
    public void EmptyPasswordSendsAnEmptyResponse()
    {
        Assert.Empty(AuthScramble.NativePassword(string.Empty, Scramble([7])));
        Assert.Empty(AuthScramble.CachingSha2Password(string.Empty, Scramble([7])));
        Assert.Equal(new byte[] { 0 }, AuthScramble.ClearPassword(string.Empty));
    }

    [Fact]
    public void RsaEncryptedPasswordDecryptsWithTheServerKeyToPasswordXorScramble()
    {
        using var serverKey = RSA.Create(2048);
        var pem = serverKey.ExportSubjectPublicKeyInfoPem();
        var scramble = Scramble([42, 43]);
        var password = "a password longer than the twenty-byte scramble ✓";
        var encrypted = AuthScramble.RsaEncryptedPassword(password, scramble, pem);
        Assert.Equal(256, encrypted.Length);
        var clear = serverKey.Decrypt(encrypted, RSAEncryptionPadding.OaepSHA1);
        for (var i = 0; i < clear.Length; i++)
        {
            clear[i] ^= scramble[i % scramble.Length];
        }

        Assert.Equal([.. Encoding.UTF8.GetBytes(password), 0], clear);
    }

    private static byte[] Scramble(byte[] salt)
    {
        // Servers send 20 printable bytes; derive them deterministically from the generated salt.
        var scramble = SHA1.HashData(salt);
        for (var i = 0; i < scramble.Length; i++)
        {
            scramble[i] = (byte)(0x21 + (scramble[i] % 94));
        }

        return scramble;
    }

    /// <summary>The server side of mysql_native_password: it stores SHA1(SHA1(password)) only.</summary>
    private static bool ServerAcceptsNative(string password, byte[] scramble, byte[] response)
    {
        var stored = SHA1.HashData(SHA1.HashData(Encoding.UTF8.GetBytes(password)));
        var mask = SHA1.HashData([.. scramble, .. stored]);
        var candidate = response.Zip(mask, (a, b) => (byte)(a ^ b)).ToArray();
        return SHA1.HashData(candidate).AsSpan().SequenceEqual(stored);
    }

    /// <summary>The server side of caching_sha2_password's fast path: its cache holds SHA256(SHA256(password)).</summary>
    private static bool ServerAcceptsCachingSha2(string password, byte[] scramble, byte[] response)
    {
        var stored = SHA256.HashData(SHA256.HashData(Encoding.UTF8.GetBytes(password)));
        var mask = SHA256.HashData([.. stored, .. scramble]);
        var candidate = response.Zip(mask, (a, b) => (byte)(a ^ b)).ToArray();
        return SHA256.HashData(candidate).AsSpan().SequenceEqual(stored);
    }
}
