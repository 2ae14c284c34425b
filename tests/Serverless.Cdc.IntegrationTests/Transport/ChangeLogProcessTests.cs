using System.Diagnostics;
using System.Globalization;
using Serverless.Cdc.Transport;
using Serverless.Cdc.Transport.Embedded;

namespace Serverless.Cdc.IntegrationTests.Transport;

public sealed class ChangeLogProcessTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task AReaderInAnotherProcessWaitsForAndSeesAppendedChanges()
    {
        using var folder = new TempDirectory("changelog-xproc");
        var logDirectory = Path.Combine(folder.Path, "log");
        var log = EmbeddedChangeLog.OpenOrCreate(logDirectory, 2);
        var outFile = folder.File("read.txt");
        const int Batches = 40;
        const int PerBatch = 5;

        using var child = ProcessRunner.StartTestHost(typeof(TransportHostProgram).Assembly, "read", logDirectory, "1", (Batches * PerBatch).ToString(CultureInfo.InvariantCulture), outFile);
        try
        {
            // Publish only once the child is waiting, so its reads have to find the appends of another process.
            await WaitUntilAsync(() => File.Exists(outFile + ".ready"), child, "the reader to start");
            await using (var publisher = log.OpenPublisher())
            {
                for (var b = 0; b < Batches; b++)
                {
                    var batch = publisher.CreateBatch(ChangeBatchOptions.ForPartition(1));
                    for (var i = 0; i < PerBatch; i++)
                    {
                        Assert.True(batch.TryAdd(TransportHostProgram.Change((b * PerBatch) + i, 10)));
                    }

                    await publisher.PublishAsync(batch);
                }
            }

            await child.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        }
        finally
        {
            if (!child.HasExited)
            {
                child.Kill(entireProcessTree: true);
            }
        }

        Assert.Equal(0, child.ExitCode);
        var expected = Enumerable.Range(0, Batches * PerBatch).Select(i => $"{i} {i}");
        Assert.Equal(expected, await File.ReadAllLinesAsync(outFile));
    }

    [Fact]
    public async Task EveryAcknowledgedPublishSurvivesSigkillOfThePublisherProcess()
    {
        using var folder = new TempDirectory("changelog-kill");
        var logDirectory = Path.Combine(folder.Path, "log");
        var log = EmbeddedChangeLog.OpenOrCreate(logDirectory, 3, new EmbeddedChangeLogOptions { SegmentBytes = 4L * 1024 * 1024 });
        var acks = folder.File("acks.txt");
        await File.WriteAllTextAsync(acks, string.Empty);

        // Three rounds: each child repairs what the last one left, publishes on, and is killed mid-stream.
        for (var round = 0; round < 3; round++)
        {
            var before = ReadAcks(acks).Count;
            using var child = ProcessRunner.StartTestHost(typeof(TransportHostProgram).Assembly, "publish", logDirectory, acks, round.ToString(CultureInfo.InvariantCulture));
            try
            {
                await WaitUntilAsync(() => ReadAcks(acks).Count >= before + 150, child, "150 acknowledged publishes");
            }
            finally
            {
                child.Kill(entireProcessTree: true); // SIGKILL: no flush, no dispose, most likely mid-publish.
                await child.WaitForExitAsync();
            }
        }

        var acknowledged = ReadAcks(acks);
        await using (log.OpenPublisher())
        {
            // Opening the publisher repairs each partition's tail after the last kill.
        }

        var kept = 0L;
        var unacknowledgedKept = 0L;
        for (var p = 0; p < log.PartitionCount; p++)
        {
            using var reader = log.OpenReader(p, 0);
            var offsets = new Dictionary<long, long>();
            var expectedSequence = 0L;
            while (reader.TryRead(5000) is { Count: > 0 } changes)
            {
                foreach (var c in changes)
                {
                    Assert.Equal(expectedSequence++, c.SequenceNumber);
                    offsets[c.SequenceNumber] = c.Change.Position.EventOffset;
                }
            }

            var ackedHere = acknowledged.Where(a => a.Partition == p).ToList();
            foreach (var a in ackedHere)
            {
                for (var i = 0; i < a.Count; i++)
                {
                    Assert.True(offsets.TryGetValue(a.First + i, out var offset), $"Acknowledged sequence {a.First + i} of partition {p} is missing after the kills.");
                    Assert.Equal(a.FirstOffset + i, offset);
                }
            }

            kept += offsets.Count;
            unacknowledgedKept += offsets.Count - ackedHere.Sum(a => a.Count);
        }

        output.WriteLine($"{acknowledged.Count} acknowledged publishes ({acknowledged.Sum(a => a.Count)} changes) all present; {unacknowledgedKept} unacknowledged changes survived as well (at-least-once); {kept} in the log.");
    }

    private static List<(int Partition, long First, int Count, long FirstOffset)> ReadAcks(string path)
    {
        var text = File.ReadAllText(path);
        var complete = text[..(text.LastIndexOf('\n') + 1)]; // a kill can cut the last line short
        return complete.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' '))
            .Select(f => (int.Parse(f[0], CultureInfo.InvariantCulture), long.Parse(f[1], CultureInfo.InvariantCulture), int.Parse(f[2], CultureInfo.InvariantCulture), long.Parse(f[3], CultureInfo.InvariantCulture)))
            .ToList();
    }

    private static async Task WaitUntilAsync(Func<bool> condition, Process child, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (!condition())
        {
            Assert.False(child.HasExited, $"The child process exited (code {(child.HasExited ? child.ExitCode : 0)}) before {what}.");
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(20);
        }
    }
}
