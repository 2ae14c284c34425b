namespace Serverless.MySql.Client;

/// <summary>Whether and how the connection uses TLS (named after MySQL's --ssl-mode).</summary>
public enum TlsMode
{
    /// <summary>Plain TCP.</summary>
    Disabled,

    /// <summary>TLS when the server offers it, plain TCP otherwise; the certificate is not checked.</summary>
    Preferred,

    /// <summary>TLS or fail; the certificate is not checked (protects against eavesdropping, not impersonation).</summary>
    Required,

    /// <summary>TLS with a certificate chain that validates (against the system store or <see cref="MySqlConnectionOptions.TlsCaCertificatePath"/>); host name not checked.</summary>
    VerifyCa,

    /// <summary>As <see cref="VerifyCa"/>, and the certificate must name the host.</summary>
    VerifyFull,
}
