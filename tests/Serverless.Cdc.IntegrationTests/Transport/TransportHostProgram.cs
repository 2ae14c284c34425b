using System.Globalization;
using Serverless.Cdc.Capture;
using Serverless.Cdc.Transport;
using Serverless.Cdc.Transport.Embedded;
using Serverless.MySql.Replication;

namespace Serverless.Cdc.IntegrationTests.Transport;

/// <summary>
/// Entry point of the test assembly when run as a process:
/// <c>publish LOG ACKS ROUND</c> publishes batches to the embedded log in LOG until killed, appending
/// "partition first count firstOffset" to ACKS after each acknowledged publish (what capture would checkpoint);
/// <c>read LOG PARTITION COUNT OUT</c> creates OUT.ready, then reads COUNT changes with waiting reads and writes
/// "sequence offset" lines to OUT.
/// </summary>
public static class TransportHostProgram
{
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        using var orphanGuard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        switch (args)
        {
            case ["publish", var log, var acks, var round]:
                await PublishUntilKilledAsync(log, acks, int.Parse(round, CultureInfo.InvariantCulture), orphanGuard.Token);
                return 1;
            case ["capture", var settings]:
                return await Capture.CaptureHostProgram.RunAsync(settings);
            case ["read", var log, var partition, var count, var output]:
                await ReadAsync(log, int.Parse(partition, CultureInfo.InvariantCulture), int.Parse(count, CultureInfo.InvariantCulture), output, orphanGuard.Token);
                return 0;
            case ["write", var log, var lake, .. var tables]:
                return await Writer.WriterHostProgram.RunAsync(log, lake, tables, orphanGuard.Token);
            case ["e2e-capture", var settings]:
                return await EndToEnd.PipelineHostProgram.RunAsync("capture", settings, 0);
            case ["e2e-compactor", var settings]:
                return await EndToEnd.PipelineHostProgram.RunAsync("compactor", settings, 0);
            case ["e2e-writer", var settings, var partition]:
                return await EndToEnd.PipelineHostProgram.RunAsync("writer", settings, int.Parse(partition, CultureInfo.InvariantCulture));
            default:
                await Console.Error.WriteLineAsync("usage: Serverless.Cdc.IntegrationTests publish LOG ACKS ROUND | read LOG PARTITION COUNT OUT | write LOG LAKE TABLE... | e2e-capture SETTINGS | e2e-writer SETTINGS PARTITION | e2e-compactor SETTINGS");
                return 64;
        }
    }

    /// <summary>A change whose binlog offset identifies it: the test checks every acknowledged offset is in the log.</summary>
    public static ChangeEvent Change(long offset, int payloadBytes) => new()
    {
        Kind = ChangeKind.Update,
        Database = "shop",
        Table = "t" + (offset % 5).ToString(CultureInfo.InvariantCulture),
        SchemaVersion = 1,
        Position = new BinlogPosition("mariadb-bin.000001", offset),
        CommitTime = DateTimeOffset.UnixEpoch,
        Key = [ChangeValue.FromInt64(offset % 97)],
        Row = [ChangeValue.FromInt64(offset % 97), ChangeValue.FromBinary(new byte[payloadBytes])],
    };

    private static async Task PublishUntilKilledAsync(string logDirectory, string acks, int round, CancellationToken cancellationToken)
    {
        var log = EmbeddedChangeLog.Open(logDirectory);
        await using var publisher = log.OpenPublisher();
        await using var ackFile = new StreamWriter(new FileStream(acks, FileMode.Append, FileAccess.Write, FileShare.ReadWrite));
        var random = new Random(round);
        var offset = (round + 1) * 1_000_000_000L;
        while (!cancellationToken.IsCancellationRequested)
        {
            var first = offset;
            var batch = publisher.CreateBatch(ChangeBatchOptions.ForKey("shop.t" + (offset % 5).ToString(CultureInfo.InvariantCulture)));
            var events = random.Next(1, 40);
            for (var i = 0; i < events && batch.TryAdd(Change(offset, random.Next(0, 30_000))); i++)
            {
                offset++;
            }

            var receipt = await publisher.PublishAsync(batch, CancellationToken.None);
            await ackFile.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{receipt.Partition} {receipt.FirstSequenceNumber} {receipt.Count} {first}"));
            await ackFile.FlushAsync(CancellationToken.None);
        }
    }

    private static async Task ReadAsync(string logDirectory, int partition, int count, string output, CancellationToken cancellationToken)
    {
        var log = EmbeddedChangeLog.Open(logDirectory, new EmbeddedChangeLogOptions { CrossProcessPollInterval = TimeSpan.FromMilliseconds(20) });
        using var reader = log.OpenReader(partition, 0);
        await File.WriteAllTextAsync(output + ".ready", "ready", cancellationToken);
        var lines = new List<string>();
        while (lines.Count < count)
        {
            foreach (var change in await reader.ReadAsync(count - lines.Count, cancellationToken))
            {
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{change.SequenceNumber} {change.Change.Position.EventOffset}"));
            }
        }

        await File.WriteAllLinesAsync(output, lines, cancellationToken);
    }
}
