namespace Serverless.MySql.Protocol;

/// <summary>Client/server capability flags exchanged in the handshake (MySQL protocol "Capabilities Flags").</summary>
[Flags]
public enum CapabilityFlags : ulong
{
    None = 0,
    LongPassword = 1,
    FoundRows = 1 << 1,
    LongFlag = 1 << 2,
    ConnectWithDb = 1 << 3,
    NoSchema = 1 << 4,
    Compress = 1 << 5,
    Odbc = 1 << 6,
    LocalFiles = 1 << 7,
    IgnoreSpace = 1 << 8,
    Protocol41 = 1 << 9,
    Interactive = 1 << 10,
    Ssl = 1 << 11,
    IgnoreSigpipe = 1 << 12,
    Transactions = 1 << 13,
    Reserved = 1 << 14,
    SecureConnection = 1 << 15,
    MultiStatements = 1 << 16,
    MultiResults = 1 << 17,
    PsMultiResults = 1 << 18,
    PluginAuth = 1 << 19,
    ConnectAttrs = 1 << 20,
    PluginAuthLengthEncodedClientData = 1 << 21,
    CanHandleExpiredPasswords = 1 << 22,
    SessionTrack = 1 << 23,
    DeprecateEof = 1 << 24,
    OptionalResultsetMetadata = 1 << 25,
    QueryAttributes = 1 << 27,
    SslVerifyServerCert = 1UL << 30,
    RememberOptions = 1UL << 31,
}
