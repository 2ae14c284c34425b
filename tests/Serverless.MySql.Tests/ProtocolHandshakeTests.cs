using Serverless.MySql.Client;
using Serverless.MySql.Protocol;
using Xunit;

namespace Serverless.MySql.Tests;

/// <summary>Connection-phase and generic response packets parsed from documented byte layouts.</summary>
public sealed class ProtocolHandshakeTests
{
    [Fact]
    public void HandshakeV10FromAMySql57ServerParses()
    {
        // Payload of a captured 5.7.18 handshake (after the 4-byte header 4e 00 00 00).
        var payload = Convert.FromHexString(
            "0A" + "352E372E31382D6C6F6700" + "127A2900" + "3358381844 5E1648".Replace(" ", string.Empty) + "00" + "FFFF" + "21" + "0200" + "FFC1" + "15" +
            "00000000000000000000" + "40791130 2A41615564776E0D00".Replace(" ", string.Empty) + "6D7973716C5F6E61746976655F70617373776F726400");
        var handshake = InitialHandshake.Parse(payload);
        Assert.Equal("5.7.18-log", handshake.ServerVersion);
        Assert.Equal(0x297A12u, handshake.ConnectionId);
        Assert.Equal(Convert.FromHexString("33583818445E1648" + "407911302A41615564776E0D"), handshake.Scramble);
        Assert.Equal(0x21, handshake.CharacterSet);
        Assert.Equal(ServerStatusFlags.AutoCommit, handshake.Status);
        Assert.True((handshake.Capabilities & CapabilityFlags.PluginAuth) != 0);
        Assert.True((handshake.Capabilities & (CapabilityFlags.DeprecateEof | CapabilityFlags.Ssl)) == (CapabilityFlags.DeprecateEof | CapabilityFlags.Ssl));
        Assert.True((handshake.Capabilities & CapabilityFlags.OptionalResultsetMetadata) == 0);
        Assert.Equal("mysql_native_password", handshake.AuthPluginName);
    }

    [Fact]
    public void HandshakeWithAnotherProtocolVersionIsRejectedClearly()
    {
        var e = Assert.Throws<MySqlException>(() => InitialHandshake.Parse([9, (byte)'3', 0]));
        Assert.Contains("protocol version 9 is not supported", e.Message);
        var truncated = Assert.Throws<MySqlException>(() => InitialHandshake.Parse([10, (byte)'8', 0, 1, 2]));
        Assert.Contains("initial handshake is truncated", truncated.Message);
    }

    [Theory]
    [InlineData("5.5.5-10.11.19-MariaDB-0+deb12u1-log", MySqlServerFlavor.MariaDb, 10, 11, 19)]
    [InlineData("11.4.2-MariaDB", MySqlServerFlavor.MariaDb, 11, 4, 2)]
    [InlineData("8.0.36", MySqlServerFlavor.MySql, 8, 0, 36)]
    [InlineData("8.4.0-commercial", MySqlServerFlavor.MySql, 8, 4, 0)]
    [InlineData("5.7.44-log", MySqlServerFlavor.MySql, 5, 7, 44)]
    public void ServerVersionsParseWithTheirFlavor(string text, MySqlServerFlavor flavor, int major, int minor, int patch)
    {
        var version = MySqlServerVersion.Parse(text);
        Assert.Equal((flavor, major, minor, patch), (version.Flavor, version.Major, version.Minor, version.Patch));
        Assert.True(version.IsAtLeast(major, minor, patch));
        Assert.False(version.IsAtLeast(major, minor, patch + 1));
        Assert.DoesNotContain("5.5.5-", version.Text);
    }

    [Fact]
    public void DocumentedErrPacketBecomesAnExceptionWithNumberStateAndMessage()
    {
        // ERR_Packet example: ff 48 04 23 48 59 30 30 30 "No tables used".
        var payload = Convert.FromHexString("FF4804234859303030" + Convert.ToHexString("No tables used"u8));
        var e = ErrorPacket.ToException(payload);
        Assert.Equal(1096, e.ErrorNumber);
        Assert.Equal("HY000", e.SqlState);
        Assert.Equal("No tables used", e.ServerMessage);
        Assert.Equal(MySqlErrorKind.Server, e.Kind);
    }

    [Theory]
    [InlineData(1045, MySqlErrorKind.AccessDenied, "user name and password")]
    [InlineData(1049, MySqlErrorKind.UnknownDatabase, "Create the database")]
    [InlineData(1040, MySqlErrorKind.TooManyConnections, "max_connections")]
    [InlineData(1317, MySqlErrorKind.QueryInterrupted, "killed")]
    [InlineData(3159, MySqlErrorKind.TlsRequiredByServer, "set TlsMode to Required")]
    [InlineData(1226, MySqlErrorKind.TooManyConnections, "MAX_USER_CONNECTIONS")]
    public void KnownServerErrorsGetAKindAndAFix(int number, MySqlErrorKind kind, string hint)
    {
        var e = ErrorPacket.Create(number, "42000", "server text", "Connecting to src");
        Assert.Equal(kind, e.Kind);
        Assert.StartsWith("Connecting to src: MySQL error", e.Message);
        Assert.Contains(hint, e.Message);
    }

    [Fact]
    public void DocumentedOkPacketParses()
    {
        // OK_Packet example: 00 00 00 02 00 00 00 (no rows, no insert id, autocommit, no warnings).
        var ok = OkPacket.Parse(Convert.FromHexString("00000002000000"));
        Assert.Equal(new OkPacket(0, 0, ServerStatusFlags.AutoCommit, 0), ok);
        var withIds = OkPacket.Parse(Convert.FromHexString("00FC2C01FD0000010A000100"));
        Assert.Equal(300ul, withIds.AffectedRows);
        Assert.Equal(65536ul, withIds.LastInsertId);
        Assert.Equal(ServerStatusFlags.AutoCommit | ServerStatusFlags.MoreResultsExist, withIds.Status);
        Assert.Equal(1, withIds.Warnings);
    }

    [Fact]
    public void DocumentedEofPacketParses()
    {
        // EOF_Packet example: fe 00 00 02 00 (no warnings, autocommit).
        var eof = OkPacket.ParseEof(Convert.FromHexString("FE00000200"));
        Assert.Equal(ServerStatusFlags.AutoCommit, eof.Status);
        Assert.Equal(0, eof.Warnings);
    }
}
