using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Serverless.MySql.Protocol;

namespace Serverless.MySql.Client;

/// <summary>
/// Runs connection phase: reads Handshake v10, negotiates capabilities, upgrades to TLS when wanted (SSLRequest,
/// then the TLS handshake, then the handshake response over TLS) and answers authentication requests,
/// including auth switch and the caching_sha2_password/sha256_password full-authentication exchanges.
/// </summary>
internal static class ConnectionHandshake
{
    /// <summary>utf8mb4_general_ci: understood by every MySQL 5.5+ and MariaDB server.</summary>
    public const byte ClientCharacterSet = 45;

    private const CapabilityFlags ClientCapabilities =
        CapabilityFlags.LongPassword | CapabilityFlags.LongFlag | CapabilityFlags.Protocol41 | CapabilityFlags.Transactions |
        CapabilityFlags.SecureConnection | CapabilityFlags.MultiResults | CapabilityFlags.PsMultiResults |
        CapabilityFlags.PluginAuth | CapabilityFlags.PluginAuthLengthEncodedClientData | CapabilityFlags.DeprecateEof;

    private const string NativePassword = "mysql_native_password";
    private const string CachingSha2 = "caching_sha2_password";
    private const string Sha256 = "sha256_password";
    private const string ClearPassword = "mysql_clear_password";
    private const string Ed25519Plugin = "client_ed25519";

    public sealed record Result(InitialHandshake Handshake, CapabilityFlags Capabilities, bool IsTls);

    public static async Task<Result> RunAsync(PacketChannel channel, MySqlConnectionOptions options, CancellationToken cancellationToken)
    {
        var first = await channel.ReadPayloadAsync(cancellationToken).ConfigureAwait(false);
        if (first.Length > 0 && first.Span[0] == ErrorPacket.Header)
        {
            throw ErrorPacket.ToException(first.Span, $"Connecting to {options.Name} at {options.Endpoint}");
        }

        var handshake = InitialHandshake.Parse(first.Span);
        if ((handshake.Capabilities & CapabilityFlags.Protocol41) == 0)
        {
            throw MySqlException.Protocol($"server {handshake.ServerVersion} does not speak protocol 4.1 (CLIENT_PROTOCOL_41)");
        }

        var wanted = ClientCapabilities;
        if (options.Database is not null)
        {
            wanted |= CapabilityFlags.ConnectWithDb;
        }

        if (options.AllowMultipleStatements)
        {
            wanted |= CapabilityFlags.MultiStatements;
        }

        // Connection attributes show operators which program holds a session (performance_schema.session_connect_attrs).
        wanted |= CapabilityFlags.ConnectAttrs;

        var serverHasTls = (handshake.Capabilities & CapabilityFlags.Ssl) != 0;
        var useTls = options.TlsMode != TlsMode.Disabled && serverHasTls;
        if (!serverHasTls && options.TlsMode >= TlsMode.Required)
        {
            throw new MySqlException(
                MySqlErrorKind.TlsNotSupported,
                $"TLS mode {options.TlsMode} was requested for {options.Name} at {options.Endpoint}, but the server does not support TLS " +
                "(SHOW VARIABLES LIKE 'have_ssl' is not YES). Configure ssl_cert/ssl_key on the server, or use TlsMode.Preferred or Disabled.");
        }

        if (useTls)
        {
            wanted |= CapabilityFlags.Ssl;
        }

        var capabilities = wanted & (handshake.Capabilities | CapabilityFlags.Ssl);
        if (!useTls)
        {
            capabilities &= ~CapabilityFlags.Ssl;
        }

        var writer = new PayloadWriter(256);
        if (useTls)
        {
            WriteFixedPart(writer, capabilities);
            await channel.WritePayloadAsync(writer, cancellationToken).ConfigureAwait(false);
            await UpgradeToTlsAsync(channel, options, cancellationToken).ConfigureAwait(false);
        }

        var plugin = handshake.AuthPluginName;
        var authData = handshake.Scramble;
        if (!IsSupported(plugin))
        {
            // Answer with native password and let the server switch us to the method the user needs.
            plugin = NativePassword;
        }

        var response = InitialResponse(plugin, authData, options, useTls);
        writer.Reset();
        WriteFixedPart(writer, capabilities);
        writer.WriteNullTerminatedUtf8(options.User);
        if ((capabilities & CapabilityFlags.PluginAuthLengthEncodedClientData) != 0)
        {
            writer.WriteLengthEncodedBytes(response);
        }
        else
        {
            writer.WriteByte((byte)response.Length);
            writer.WriteBytes(response);
        }

        if ((capabilities & CapabilityFlags.ConnectWithDb) != 0)
        {
            writer.WriteNullTerminatedUtf8(options.Database!);
        }

        if ((capabilities & CapabilityFlags.PluginAuth) != 0)
        {
            writer.WriteNullTerminatedUtf8(plugin);
        }

        if ((capabilities & CapabilityFlags.ConnectAttrs) != 0)
        {
            writer.WriteLengthEncodedBytes(ConnectionAttributes(options));
        }

        await channel.WritePayloadAsync(writer, cancellationToken).ConfigureAwait(false);
        await AuthenticateAsync(channel, writer, options, plugin, authData, useTls, cancellationToken).ConfigureAwait(false);
        return new Result(handshake, capabilities, useTls);
    }

    private static byte[] ConnectionAttributes(MySqlConnectionOptions options)
    {
        var attributes = new PayloadWriter(128);
        foreach (var (key, value) in new[]
                 {
                     ("_client_name", "Serverless.MySql"),
                     ("_client_version", typeof(ConnectionHandshake).Assembly.GetName().Version?.ToString() ?? "0"),
                     ("_pid", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                     ("program_name", options.Name),
                 })
        {
            attributes.WriteLengthEncodedUtf8(key);
            attributes.WriteLengthEncodedUtf8(value);
        }

        return attributes.Payload.ToArray();
    }

    private static void WriteFixedPart(PayloadWriter writer, CapabilityFlags capabilities)
    {
        writer.WriteUInt32((uint)capabilities);
        writer.WriteUInt32(PacketChannel.MaxPacketPayload + 1);
        writer.WriteByte(ClientCharacterSet);
        writer.WriteZeros(23);
    }

    private static async Task AuthenticateAsync(
        PacketChannel channel, PayloadWriter writer, MySqlConnectionOptions options, string plugin, byte[] authData, bool isTls, CancellationToken cancellationToken)
    {
        var awaitingPublicKey = plugin == Sha256 && !isTls && options.Password.Length > 0;
        for (var round = 0; round < 16; round++)
        {
            var payload = await channel.ReadPayloadAsync(cancellationToken).ConfigureAwait(false);
            if (payload.IsEmpty)
            {
                throw MySqlException.Protocol("empty packet during authentication");
            }

            byte[] reply;
            var span = payload.Span;
            switch (span[0])
            {
                case 0x00:
                    return;
                case ErrorPacket.Header:
                    throw ErrorPacket.ToException(span, $"Authenticating {options.User} to {options.Name} at {options.Endpoint} with {plugin}");
                case 0xFE:
                    if (span.Length == 1)
                    {
                        throw Unsupported(options, "mysql_old_password (pre-4.1)");
                    }

                    var r = new PayloadReader(span, "auth switch request");
                    r.Skip(1);
                    plugin = r.ReadNullTerminatedString();
                    // Kept as sent: password scrambles carry a trailing NUL (each method takes its first 20 bytes),
                    // client_ed25519's 32-byte nonce does not and may end in a zero byte.
                    authData = r.ReadRest().ToArray();
                    if (!IsSupported(plugin))
                    {
                        throw Unsupported(options, plugin);
                    }

                    reply = InitialResponse(plugin, authData, options, isTls);
                    awaitingPublicKey = plugin == Sha256 && !isTls && options.Password.Length > 0;
                    break;
                case 0x01 when awaitingPublicKey:
                    var pem = Encoding.ASCII.GetString(span[1..]);
                    reply = AuthScramble.RsaEncryptedPassword(options.Password, authData.AsSpan(0, Math.Min(20, authData.Length)), pem);
                    awaitingPublicKey = false;
                    break;
                case 0x01 when plugin == CachingSha2 && span.Length == 2 && span[1] == 3:
                    // Fast authentication succeeded; the OK packet follows.
                    continue;
                case 0x01 when plugin == CachingSha2 && span.Length == 2 && span[1] == 4:
                    if (isTls)
                    {
                        reply = AuthScramble.ClearPassword(options.Password);
                    }
                    else if (options.AllowPublicKeyRetrieval)
                    {
                        reply = [0x02];
                        awaitingPublicKey = true;
                    }
                    else
                    {
                        throw new MySqlException(
                            MySqlErrorKind.AuthenticationMethodNotSupported,
                            $"{options.Name} at {options.Endpoint} needs caching_sha2_password full authentication for {options.User}, which sends the password " +
                            "only over TLS or RSA-encrypted. Enable TLS, or set AllowPublicKeyRetrieval, or log in once over TLS to fill the server's cache.");
                    }

                    break;
                default:
                    throw MySqlException.Protocol($"unexpected packet 0x{span[0]:X2} during {plugin} authentication");
            }

            writer.Reset();
            writer.WriteBytes(reply);
            await channel.WritePayloadAsync(writer, cancellationToken).ConfigureAwait(false);
        }

        throw MySqlException.Protocol("authentication did not finish after 16 exchanges");
    }

    private static bool IsSupported(string plugin) =>
        plugin is NativePassword or CachingSha2 or Sha256 or ClearPassword or Ed25519Plugin;

    private static byte[] InitialResponse(string plugin, byte[] authData, MySqlConnectionOptions options, bool isTls)
    {
        switch (plugin)
        {
            case NativePassword:
                return AuthScramble.NativePassword(options.Password, authData.AsSpan(0, Math.Min(20, authData.Length)));
            case CachingSha2:
                return AuthScramble.CachingSha2Password(options.Password, authData.AsSpan(0, Math.Min(20, authData.Length)));
            case Sha256:
                if (options.Password.Length == 0)
                {
                    return [0];
                }

                if (isTls)
                {
                    return AuthScramble.ClearPassword(options.Password);
                }

                if (!options.AllowPublicKeyRetrieval)
                {
                    throw Unsupported(options, "sha256_password without TLS (set AllowPublicKeyRetrieval or enable TLS)");
                }

                return [0x01];
            case ClearPassword:
                if (!isTls)
                {
                    throw Unsupported(options, "mysql_clear_password without TLS (it would send the password in clear; enable TLS)");
                }

                return AuthScramble.ClearPassword(options.Password);
            case Ed25519Plugin:
                // The 32-byte nonce is signed with the password itself as the Ed25519 seed (MariaDB's client_ed25519).
                return Ed25519.Sign(Encoding.UTF8.GetBytes(options.Password), authData.AsSpan(0, Math.Min(32, authData.Length)));
            default:
                throw Unsupported(options, plugin);
        }
    }

    private static MySqlException Unsupported(MySqlConnectionOptions options, string plugin) =>
        new(
            MySqlErrorKind.AuthenticationMethodNotSupported,
            $"{options.Name} at {options.Endpoint} asks {options.User} to authenticate with {plugin}, which this client does not support. " +
            "Supported: mysql_native_password, caching_sha2_password, sha256_password, client_ed25519, mysql_clear_password (TLS only). " +
            "Change the account, e.g. ALTER USER ... IDENTIFIED WITH mysql_native_password.")
        {
            ConnectionBroken = true,
        };

    private static async Task UpgradeToTlsAsync(PacketChannel channel, MySqlConnectionOptions options, CancellationToken cancellationToken)
    {
        X509Certificate2? ca = null;
        if (options.TlsCaCertificatePath is not null)
        {
            ca = X509CertificateLoader.LoadCertificateFromFile(options.TlsCaCertificatePath);
        }

        var ssl = new SslStream(channel.Stream, leaveInnerStreamOpen: false);
        var sslOptions = new SslClientAuthenticationOptions
        {
            TargetHost = options.Host,
            RemoteCertificateValidationCallback = (_, certificate, _, errors) => IsTrusted(options.TlsMode, ca, certificate, errors),
        };
        try
        {
            await ssl.AuthenticateAsClientAsync(sslOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new MySqlException(
                MySqlErrorKind.TlsFailed,
                $"TLS handshake with {options.Name} at {options.Endpoint} failed (mode {options.TlsMode}): {e.Message}. " +
                "For VerifyCa/VerifyFull give the server's CA in TlsCaCertificatePath; VerifyFull also needs the certificate to name the host.",
                e)
            {
                ConnectionBroken = true,
            };
        }
        finally
        {
            ca?.Dispose();
        }

        channel.ReplaceStream(ssl);
    }

    private static bool IsTrusted(TlsMode mode, X509Certificate2? ca, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (mode is TlsMode.Preferred or TlsMode.Required)
        {
            return true;
        }

        if (certificate is null)
        {
            return false;
        }

        if (mode == TlsMode.VerifyFull && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        if (ca is null)
        {
            return (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var serverCertificate = new X509Certificate2(certificate);
        return chain.Build(serverCertificate);
    }
}
