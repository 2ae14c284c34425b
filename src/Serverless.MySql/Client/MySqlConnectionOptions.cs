namespace Serverless.MySql.Client;

/// <summary>Where and how to connect. <see cref="Name"/> identifies the connection in logs and errors.</summary>
public sealed record MySqlConnectionOptions
{
    public string Host { get; init; } = "127.0.0.1";

    public int Port { get; init; } = 3306;

    public string User { get; init; } = "root";

    public string Password { get; init; } = string.Empty;

    /// <summary>Default database after connecting, or null for none.</summary>
    public string? Database { get; init; }

    public TlsMode TlsMode { get; init; } = TlsMode.Preferred;

    /// <summary>PEM or DER CA certificate trusted for <see cref="TlsMode.VerifyCa"/>/<see cref="TlsMode.VerifyFull"/> instead of the system store.</summary>
    public string? TlsCaCertificatePath { get; init; }

    /// <summary>Limit for TCP connect, TLS and authentication together.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Longest wait for any bytes from the server once connected; infinite by default because statements can run long.</summary>
    public TimeSpan ReadTimeout { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>
    /// Allows caching_sha2_password/sha256_password to fetch the server's RSA key over an unencrypted connection.
    /// Needed for their full authentication without TLS; a man in the middle could substitute the key.
    /// </summary>
    public bool AllowPublicKeyRetrieval { get; init; } = true;

    /// <summary>Lets several statements separated by ';' run in one query (CLIENT_MULTI_STATEMENTS).</summary>
    public bool AllowMultipleStatements { get; init; }

    /// <summary>Largest row or packet payload accepted from the server.</summary>
    public long MaxPayloadSize { get; init; } = 1L << 30;

    /// <summary>
    /// Session time zone set right after connecting (e.g. "+00:00"), or null to keep the server's default. TIMESTAMP
    /// values are rendered in the session time zone, so readers that need UTC should set "+00:00".
    /// </summary>
    public string? SessionTimeZone { get; init; }

    /// <summary>Receive buffer size; rows up to this size are parsed in place. Larger values help bulk reads a little.</summary>
    public int ReadBufferSize { get; init; } = 128 * 1024;

    /// <summary>A name for logs and error messages (e.g. the source name of a job).</summary>
    public string Name { get; init; } = "mysql";

    public string Endpoint => $"{Host}:{Port}";

    /// <summary>Options without the password, for logs.</summary>
    public override string ToString() =>
        $"{Name} ({User}@{Endpoint}{(Database is null ? string.Empty : "/" + Database)}, TLS {TlsMode})";
}
