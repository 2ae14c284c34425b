using System.Text;
using FsCheck.Fluent;
using FsCheck;
using Serverless.MySql.Client;
using Serverless.MySql.Protocol;
using Serverless.Testing;
using Xunit;

namespace Serverless.MySql.Tests;

/// <summary>Corrupt or hostile bytes from a server end in a <see cref="MySqlException"/> that names the problem, never in another exception or a hang.</summary>
public sealed class ProtocolCorruptInputTests
{
    [Fact]
    public void ArbitraryBytesAsServerPacketsOnlyEverFailWithMySqlException()
    {
        Prop.ForAll<byte[]>(bytes =>
        {
            Accepts(() => InitialHandshake.Parse(bytes));
            Accepts(() => MySqlColumn.Parse(bytes));
            Accepts(() => OkPacket.Parse(bytes));
            Accepts(() => OkPacket.ParseEof(bytes));
            Accepts(() => ErrorPacket.ToException(bytes));
            Accepts(() => new PayloadReader(bytes).ReadLengthEncodedBytes().ToArray());
            _ = TextValueParser.TryParseDateTime(bytes, out _);
            _ = TextValueParser.TryParseTime(bytes, out _);
            _ = TextValueParser.TryParseDecimal(bytes, out _);
            _ = TextValueParser.TryParseUnscaled(bytes, out _, out _);
            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void HandshakesCutAtEveryLengthFailWithTheOffset()
    {
        var full = ProtocolScriptedServer.Handshake(CapabilityFlags.Protocol41 | CapabilityFlags.SecureConnection | CapabilityFlags.PluginAuth, Encoding.ASCII.GetBytes("01234567890123456789"), "mysql_native_password");
        for (var length = 1; length < full.Length; length++)
        {
            try
            {
                InitialHandshake.Parse(full.AsSpan(0, length));
            }
            catch (MySqlException e)
            {
                Assert.Equal(MySqlErrorKind.Protocol, e.Kind);
                Assert.Contains("initial handshake is truncated", e.Message);
            }
        }
    }

    [Fact]
    public async Task RowWhoseFieldLengthsOverrunThePacketIsAProtocolErrorThatNamesTheRow()
    {
        await using var server = ServerSendingRows([0x01, (byte)'1'], [0xFC, 0xFF, 0x00, (byte)'x']);
        await using var connection = await MySqlConnection.OpenAsync(AuthFlowTests.Options(server, "x"));
        await using var reader = await connection.QueryAsync("SELECT 1");
        Assert.True(await reader.ReadAsync());
        Assert.Equal(1, reader.GetInt32(0));
        var e = await Assert.ThrowsAsync<MySqlException>(async () => await reader.ReadAsync());
        Assert.Equal(MySqlErrorKind.Protocol, e.Kind);
        Assert.Contains("row 2", e.Message);
        Assert.False(connection.IsUsable);
    }

    [Fact]
    public void RandomRowBytesAreEitherAValidRowOrAProtocolErrorWithoutHanging()
    {
        // Each case is a full connection to the scripted server; keep the count small.
        var config = Config.QuickThrowOnFailure.WithMaxTest(40);
        Check.One(config, Prop.ForAll<byte[]>(row =>
        {
            var outcome = Task.Run(async () =>
            {
                await using var server = ServerSendingRows(row.Length == 0 ? [0x00] : row);
                await using var connection = await MySqlConnection.OpenAsync(AuthFlowTests.Options(server, "x"));
                var reader = await connection.QueryAsync("SELECT 1");
                try
                {
                    while (await reader.ReadAsync())
                    {
                        _ = reader.IsDBNull(0) ? default : reader.GetRawBytes(0).Length;
                    }

                    return true;
                }
                catch (MySqlException)
                {
                    return true;
                }
            }).Wait(TimeSpan.FromSeconds(20));
            return outcome;
        }));
    }

    private static void Accepts(Action parse)
    {
        try
        {
            parse();
        }
        catch (MySqlException e)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
        }
    }

    /// <summary>A server whose one-column result set carries the given row payloads (then an OK terminator).</summary>
    private static ProtocolScriptedServer ServerSendingRows(params byte[][] rows) => ProtocolScriptedServer.Start(async s =>
    {
        await s.AcceptLoginAsync();
        await s.ReceiveAsync();
        byte seq = 1;
        await s.SendAsync(seq++, [0x01]);
        await s.SendAsync(seq++, ProtocolScriptedServer.ColumnDefinition("c", ColumnType.VarString, 45, ColumnFlags.None));
        foreach (var row in rows)
        {
            await s.SendAsync(seq++, row);
        }

        await s.SendAsync(seq, ProtocolScriptedServer.Ok(0xFE));
        try
        {
            await s.ReceiveAsync();
        }
        catch (Exception e) when (e is IOException or EndOfStreamException)
        {
            // The client may close without COM_QUIT after a protocol error.
        }
    });
}
