using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Serverless.Cdc.Capture;
using Serverless.MySql.Client;
using Serverless.MySql.Protocol;
using Serverless.MySql.Replication;

namespace Serverless.Cdc.IntegrationTests.Capture;

/// <summary>
/// The MySQL GTID path, against scripted MySQL 8 sources (there is no MySQL server here): a first run from P0 records
/// P0's executed GTID set in the checkpoint, and on another server (a failover) capture asks for the binlog by that set
/// with COM_BINLOG_DUMP_GTID. The scripted sources send no events, only the end of the binlog, so the set that grows with
/// each transaction's GTID is not exercised here (MariaDB's GTID path is, on real servers).
/// </summary>
public sealed class CaptureMySqlGtidTests
{
    private const string ExecutedAtP0 = "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-100,6a9b0c1d-0000-11ef-8000-000000000001:1-5";

    [Fact]
    public async Task OnAnotherMySqlServerCaptureResumesByTheCheckpointedGtidSet()
    {
        using var rig = new CaptureRig("capture-mysql-gtid");
        var p0 = new CaptureStart(new BinlogPosition("binlog.000007", 1234), ExecutedAtP0);

        await using (var original = ScriptedReplicationSource.Start(serverId: 1, serverUuid: "3e11fa47-71ca-11e1-9e33-c80aa9429562"))
        {
            await rig.RunAsync(CaptureRig.Options("mysql-gtid", original.Options, "shop", p0));
            var dump = Assert.Single(original.Dumps);
            Assert.Equal(BinlogDumpCommands.BinlogDump, dump[0]);
            Assert.Equal(1234u, BinaryPrimitives.ReadUInt32LittleEndian(dump.AsSpan(1)));
            Assert.Equal("binlog.000007", Encoding.UTF8.GetString(dump.AsSpan(11)));
        }

        var checkpoint = (await new CaptureCheckpointStore(rig.State, "mysql-gtid").ReadAsync())!;
        Assert.Equal(MySqlGtidSet.Parse(ExecutedAtP0), MySqlGtidSet.Parse(checkpoint.MySqlGtidExecuted!));
        Assert.Equal("3e11fa47-71ca-11e1-9e33-c80aa9429562", checkpoint.SourceServerUuid);

        await using var failover = ScriptedReplicationSource.Start(serverId: 2, serverUuid: "6a9b0c1d-0000-11ef-8000-000000000001");
        await using var publisher = rig.Log.OpenPublisher();
        var capture = new BinlogCapture(CaptureRig.Options("mysql-gtid", failover.Options, "shop", p0), publisher, rig.State);
        await capture.RunAsync();

        Assert.True(capture.Progress.ResumedByGtid);
        Assert.Equal(1, capture.Progress.SourceGeneration);
        var byGtid = Assert.Single(failover.Dumps);
        Assert.Equal(BinlogDumpCommands.BinlogDumpGtid, byGtid[0]);
        var flags = BinaryPrimitives.ReadUInt16LittleEndian(byGtid.AsSpan(1));
        Assert.Equal(BinlogDumpCommands.ThroughGtid, flags & BinlogDumpCommands.ThroughGtid);
        var nameLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(byGtid.AsSpan(7));
        var setStart = 11 + nameLength + 8 + 4;
        Assert.Equal(MySqlGtidSet.Parse(ExecutedAtP0), MySqlGtidSet.Decode(byGtid.AsSpan(setStart)));

        // No transaction came from the new server, so the checkpoint is still the old one's: a restart there is the
        // same failover again, in the same generation, not another one.
        Assert.Equal(0, (await new CaptureCheckpointStore(rig.State, "mysql-gtid").ReadAsync())!.SourceGeneration);
        var again = new BinlogCapture(CaptureRig.Options("mysql-gtid", failover.Options, "shop", p0), publisher, rig.State);
        await again.RunAsync();
        Assert.Equal(1, again.Progress.SourceGeneration);
    }

    /// <summary>
    /// A scripted MySQL 8.0 source for any number of connections: answers <c>@@server_id</c> and <c>@@server_uuid</c> queries with its
    /// identity and every other statement with OK, accepts COM_REGISTER_SLAVE, records each binlog dump command and answers
    /// it with the end of the binlog (what a non-blocking dump ends with).
    /// </summary>
    private sealed class ScriptedReplicationSource : IAsyncDisposable
    {
        private const CapabilityFlags Capabilities =
            CapabilityFlags.LongPassword | CapabilityFlags.LongFlag | CapabilityFlags.ConnectWithDb | CapabilityFlags.Protocol41 |
            CapabilityFlags.Transactions | CapabilityFlags.SecureConnection | CapabilityFlags.MultiResults | CapabilityFlags.PluginAuth |
            CapabilityFlags.PluginAuthLengthEncodedClientData | CapabilityFlags.DeprecateEof;

        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly List<byte[]> dumps = [];
        private readonly List<Task> sessions = [];
        private readonly string serverId;
        private readonly string serverUuid;
        private readonly Task accepting;

        private ScriptedReplicationSource(int serverId, string serverUuid)
        {
            this.serverId = serverId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            this.serverUuid = serverUuid;
            listener.Start();
            accepting = AcceptAsync();
        }

        public MySqlConnectionOptions Options => new()
        {
            Host = "127.0.0.1", Port = ((IPEndPoint)listener.LocalEndpoint).Port, User = "repl", Password = "x", TlsMode = TlsMode.Disabled,
        };

        public IReadOnlyList<byte[]> Dumps
        {
            get
            {
                lock (dumps)
                {
                    return [.. dumps];
                }
            }
        }

        public static ScriptedReplicationSource Start(int serverId, string serverUuid) => new(serverId, serverUuid);

        public async ValueTask DisposeAsync()
        {
            listener.Stop();
            listener.Dispose();
            await Task.WhenAny(accepting, Task.Delay(TimeSpan.FromSeconds(5)));
            await Task.WhenAll(sessions);
        }

        private Task AcceptAsync() => TcpSwitch.AcceptEachAsync(listener, client =>
        {
            sessions.Add(ServeAsync(client));
            return Task.CompletedTask;
        });

        private async Task ServeAsync(TcpClient client)
        {
            using (client)
            {
                await using var s = new ProtocolScriptedServer.Session(client.GetStream());
                await s.SendAsync(0, ProtocolScriptedServer.Handshake(Capabilities, Encoding.ASCII.GetBytes("abcdefghij0123456789"), "mysql_native_password"));
                await s.ReceiveAsync();
                await s.SendAsync(2, ProtocolScriptedServer.Ok());
                while (true)
                {
                    byte[] packet;
                    try
                    {
                        (_, packet) = await s.ReceiveAsync();
                    }
                    catch (Exception e) when (e is EndOfStreamException or IOException)
                    {
                        return;
                    }

                    switch (packet.Length == 0 ? (byte)0x01 : packet[0])
                    {
                        case 0x01:
                            return;
                        case 0x03 when Encoding.UTF8.GetString(packet.AsSpan(1)).Contains("@@server_uuid", StringComparison.Ordinal):
                            await ScriptedSqlServer.SendAsync(s, ScriptedSqlServer.Reply.ResultSet(
                                [("@@server_id", ColumnType.LongLong), ("@@server_uuid", ColumnType.VarString)], [serverId, serverUuid]));
                            break;
                        case 0x03 when Encoding.UTF8.GetString(packet.AsSpan(1)).Contains("@@server_id", StringComparison.Ordinal):
                            await ScriptedSqlServer.SendAsync(s, ScriptedSqlServer.Reply.Scalar("@@server_id", ColumnType.LongLong, serverId));
                            break;
                        case BinlogDumpCommands.BinlogDump or BinlogDumpCommands.BinlogDumpGtid:
                            lock (dumps)
                            {
                                dumps.Add(packet);
                            }

                            await s.SendAsync(1, ProtocolScriptedServer.Eof());
                            break;
                        default:
                            await s.SendAsync(1, ProtocolScriptedServer.Ok());
                            break;
                    }
                }
            }
        }
    }
}
