using System.Diagnostics;
using System.Text.Json;
using Serverless.Cdc.Capture;
using Serverless.Cdc.Transport.Embedded;
using Serverless.MySql.Replication;
using Serverless.Storage.State;

namespace Serverless.Cdc.IntegrationTests.Capture;

/// <summary>
/// <c>capture SETTINGS.json</c> (through <see cref="Transport.TransportHostProgram"/>): runs a capture in this process,
/// writing SETTINGS.json.ready once it starts and, when it ends on its own, SETTINGS.json.done with its progress and
/// the process's peak resident memory. Tests kill it with SIGKILL mid-stream or let it run to the end of the binlog.
/// </summary>
internal static class CaptureHostProgram
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<int> RunAsync(string settingsFile)
    {
        // Ends an orphaned capture (its test gone); longer than the transport programs' guard because capture may first
        // read through what other tests wrote to the shared server since its P0.
        using var orphanGuard = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var cancellationToken = orphanGuard.Token;
        var settings = JsonSerializer.Deserialize<CaptureHostSettings>(await File.ReadAllTextAsync(settingsFile, cancellationToken), Json)!;
        var log = EmbeddedChangeLog.Open(settings.LogDirectory, new EmbeddedChangeLogOptions { Durability = LogDurability.OperatingSystemCache });
        var options = CaptureRig.Options(
                settings.Job,
                CaptureRig.Replication(SourceDatabase.AdminOptions()),
                settings.Database,
                new CaptureStart(BinlogPosition.Parse(settings.StartPosition), settings.StartGtid),
                settings.StopAtEnd)
            with
            {
                ReplicaServerId = settings.ReplicaServerId,
                MaxBufferedBytes = settings.MaxBufferedBytes,
            };
        await using var publisher = log.OpenPublisher();
        var capture = new BinlogCapture(options, publisher, new LocalFolderStateStore(settings.StateDirectory));
        await File.WriteAllTextAsync(settingsFile + ".ready", "ready", cancellationToken);
        var started = Stopwatch.GetTimestamp();
        await capture.RunAsync(cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started);
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        var done = new CaptureHostResult(capture.Progress, self.PeakWorkingSet64, elapsed);
        await File.WriteAllTextAsync(settingsFile + ".done", JsonSerializer.Serialize(done, Json), cancellationToken);
        return 0;
    }

    public static async Task<string> WriteSettingsAsync(string file, CaptureHostSettings settings)
    {
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(settings, Json));
        File.Delete(file + ".ready");
        File.Delete(file + ".done");
        return file;
    }

    public static CaptureHostResult ReadResult(string settingsFile) =>
        JsonSerializer.Deserialize<CaptureHostResult>(File.ReadAllText(settingsFile + ".done"), Json)!;
}

internal sealed record CaptureHostSettings(
    string Job, string LogDirectory, string StateDirectory, string Database, string StartPosition, string? StartGtid, uint ReplicaServerId,
    bool StopAtEnd, int MaxBufferedBytes = 8 * 1024 * 1024);

/// <summary>How a capture run ended: its progress, the process's peak RSS and the run's wall time (reported, never asserted).</summary>
internal sealed record CaptureHostResult(CaptureProgress Progress, long PeakWorkingSetBytes, TimeSpan Elapsed);
