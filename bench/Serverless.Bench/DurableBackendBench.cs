using System.Diagnostics;
using System.Globalization;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Serverless.Durable.Runtime;
using Serverless.Orchestrations.Embedded;

namespace Serverless.Bench;

/// <summary>
/// `./run bench durable [ACTIVITIES [CONCURRENCY]]`: per-activity cost of a fan-out of 1,000 no-op activities on the embedded backend for the
/// Durable Task SDK (EmbeddedTaskHub: SDK worker and client over gRPC on a Unix socket, TaskHubGrpcServer,
/// FileOrchestrationService) beside the current src/Serverless.Durable EmbeddedDurableRuntime, same run, same
/// activity concurrency, each on a fresh local folder. Start-up is excluded: the clock runs from scheduling the
/// instance to seeing it completed (start is measured separately). Best of the runs, taken alternately so both see the same machine load.
/// </summary>
public static class DurableBackendBench
{
    const int Runs = 3;

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var activities = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
        var concurrency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : Math.Max(4, Environment.ProcessorCount * 2);
        var coldSdk = await RunSdkAsync(100, concurrency, flush: true); // first in the process: JIT, Kestrel, gRPC
        var coldLegacy = await RunLegacyAsync(100, concurrency);
        var flushed = new List<Timing>();
        var unflushed = new List<Timing>();
        var legacy = new List<Timing>();
        for (var run = 0; run < Runs; run++)
        {
            flushed.Add(await RunSdkAsync(activities, concurrency, flush: true));
            unflushed.Add(await RunSdkAsync(activities, concurrency, flush: false));
            legacy.Add(await RunLegacyAsync(activities, concurrency));
            Console.WriteLine(
                $"run {run + 1}: EmbeddedTaskHub {flushed[^1].FanOutSeconds:0.000} s (fsync), {unflushed[^1].FanOutSeconds:0.000} s (no fsync); "
                + $"EmbeddedDurableRuntime {legacy[^1].FanOutSeconds:0.000} s");
        }

        var fanOut = $"fan-out of {activities:N0} no-op activities in one orchestration, {concurrency} activities at once, local folder "
            + $"per run, best of {Runs} alternating runs, schedule-to-completed wall time / {activities:N0}";
        const string peer = "EmbeddedDurableRuntime (Serverless.Durable)";
        var results = new List<BenchmarkResult>
        {
            BenchmarkResult.Cost("fan-out per activity, state files fsynced", PerActivityMs(flushed, activities),
                PerActivityMs(legacy, activities), peer, "ms/activity", 0.95, fanOut + "; ours flushes every state file to disk"),
            BenchmarkResult.Cost("fan-out per activity, no fsync", PerActivityMs(unflushed, activities),
                PerActivityMs(legacy, activities), peer, "ms/activity", 0.95, fanOut + "; ours with FlushToDisk off, as the peer writes"),
            BenchmarkResult.Cost("start (cold: first in the process)", coldSdk.StartSeconds * 1000, coldLegacy.StartSeconds * 1000,
                peer, "ms", 0.95, "StartAsync until the client can schedule, first start in the bench process (JIT included); one run"),
            BenchmarkResult.Cost("start (warm process)", flushed.Min(t => t.StartSeconds) * 1000, legacy.Min(t => t.StartSeconds) * 1000,
                peer, "ms", 0.95, "StartAsync until the client can schedule: ours starts Kestrel on a Unix socket, the gRPC worker and client; best of the runs"),
        };
        BenchmarkReport.Print(results);
        BenchmarkReport.Write(
            "durable",
            "Durable Task SDK on EmbeddedTaskHub vs our EmbeddedDurableRuntime",
            results,
            BenchmarkReport.MachineDescription(),
            [
                "Ours = orchestrations written against Microsoft.DurableTask on EmbeddedTaskHub (durable-orchestrations/"
                + "Serverless.Orchestrations.Embedded); peer = the same fan-out on src/Serverless.Durable's runtime. "
                + "Target 0.95: the snapshot bench may lose at most 5%.",
                $"Load average when written (1/5/15 min; the machine is shared): {LoadAverage()}.",
                $"All fan-out runs (s): EmbeddedTaskHub fsync {Seconds(flushed)}; no fsync {Seconds(unflushed)}; EmbeddedDurableRuntime {Seconds(legacy)}.",
            ]);
        return 0;
    }

    static double PerActivityMs(List<Timing> runs, int activities) => runs.Min(t => t.FanOutSeconds) * 1000 / activities;

    static string Seconds(List<Timing> runs) =>
        string.Join(", ", runs.Select(t => t.FanOutSeconds.ToString("0.000", CultureInfo.InvariantCulture)));

    static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    sealed record Timing(double StartSeconds, double FanOutSeconds);

    static async Task<Timing> RunSdkAsync(int activities, int concurrency, bool flush)
    {
        var folder = TempFolder();
        try
        {
            var startClock = Stopwatch.StartNew();
            await using var hub = await EmbeddedTaskHub.StartAsync(new EmbeddedTaskHubOptions
            {
                StateFolder = folder,
                Tasks = registry => registry
                    .AddOrchestratorFunc<int, int>("FanOut", async (context, count) =>
                        (await Task.WhenAll(Enumerable.Range(0, count).Select(i => context.CallActivityAsync<int>("NoOp", i)))).Sum())
                    .AddActivityFunc<int, int>("NoOp", (_, input) => input),
                Service = new FileOrchestrationServiceOptions { MaxConcurrentActivities = concurrency, FlushToDisk = flush },
            });
            var started = startClock.Elapsed.TotalSeconds;
            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(10));
            var clock = Stopwatch.StartNew();
            var id = await hub.Client.ScheduleNewOrchestrationInstanceAsync("FanOut", activities, deadline.Token);
            var done = await hub.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, deadline.Token);
            clock.Stop();
            Check(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed && done.ReadOutputAs<int>() == Expected(activities), "EmbeddedTaskHub");
            return new Timing(started, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    static async Task<Timing> RunLegacyAsync(int activities, int concurrency)
    {
        var folder = TempFolder();
        try
        {
            var registry = new DurableTaskRegistry()
                .AddOrchestratorFunc<int, int>("FanOut", async (context, count) =>
                    (await Task.WhenAll(Enumerable.Range(0, count).Select(i => context.CallActivityAsync<int>("NoOp", i)))).Sum())
                .AddActivityFunc<int, int>("NoOp", (_, input) => Task.FromResult(input));
            var startClock = Stopwatch.StartNew();
            await using var runtime = EmbeddedDurableRuntime.ForLocalFolder(
                folder, registry, new EmbeddedRuntimeOptions { MaxConcurrentActivities = concurrency });
            await runtime.StartAsync();
            var started = startClock.Elapsed.TotalSeconds;
            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(10));
            var clock = Stopwatch.StartNew();
            var id = await runtime.Client.ScheduleNewOrchestrationInstanceAsync("FanOut", activities, deadline.Token);
            var done = await runtime.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, deadline.Token);
            clock.Stop();
            Check(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed && done.ReadOutputAs<int>() == Expected(activities), "EmbeddedDurableRuntime");
            return new Timing(started, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    static int Expected(int activities) => activities * (activities - 1) / 2;

    static void Check(bool ok, string backend)
    {
        if (!ok)
        {
            throw new InvalidOperationException($"The fan-out on {backend} did not complete with the expected sum; the measurement is void.");
        }
    }

    static string TempFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"bench-durable-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return folder;
    }
}
