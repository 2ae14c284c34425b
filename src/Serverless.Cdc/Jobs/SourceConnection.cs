using Serverless.MySql.Client;

namespace Serverless.Cdc.Jobs;

/// <summary>Turns a job's source into connection options (resolving the password reference).</summary>
public static class SourceConnection
{
    public static MySqlConnectionOptions ToConnectionOptions(this SourceSpec source, string name)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new MySqlConnectionOptions
        {
            Host = source.Host,
            Port = source.Port,
            User = source.User,
            Password = source.Password.Resolve(),
            TlsMode = source.Tls switch
            {
                SourceTlsMode.Disabled => TlsMode.Disabled,
                SourceTlsMode.Required => TlsMode.Required,
                SourceTlsMode.VerifyCa => TlsMode.VerifyCa,
                SourceTlsMode.VerifyFull => TlsMode.VerifyFull,
                _ => TlsMode.Preferred,
            },
            TlsCaCertificatePath = source.TlsCaCertificatePath,
            Name = name,
        };
    }
}
